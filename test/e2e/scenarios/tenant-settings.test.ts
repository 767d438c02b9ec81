import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TenantUsage } from "@canopy/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentCli, pairWithCli, spawnAgentRun } from "../harness/agents.js";
import type { Child } from "../harness/child.js";
import { startInProcessHub, testClock, type InProcessHub } from "../harness/in-process-hub.js";
import { agentInsights, importInsights, insightLines, listAllInsights, waitForInsightTotal, writeNdjson } from "../harness/insights.js";
import { waitFor } from "../harness/wait.js";

const DAY = 24 * 3600_000;
const MINUTE = 60_000;

interface HeldStatus {
  insightsHeld: { reason: string; message: string } | null;
}

/**
 * Issue 12 item 6 with real agents: the daily volume cap holds further insights at the agent and
 * they arrive after UTC midnight (the hub's clock, moved by the test), none lost; retention purges
 * old insights at the hub and at the agent.
 */
describe("tenant settings take effect at the hub and at the agent", () => {
  const clock = testClock();
  let root: string;
  let hub: InProcessHub;
  let agent: Child;
  let agentDir: string;
  let tenantId: string;
  let file = 0;

  const usage = () => hub.api.request<TenantUsage>("GET", `/tenants/${tenantId}/usage?days=2`);
  const patch = (body: Record<string, unknown>) => hub.api.request("PATCH", `/tenants/${tenantId}/settings`, body);
  const status = async (): Promise<HeldStatus> => JSON.parse((await agentCli(["status", "--json", "--data-dir", agentDir])).stdout) as HeldStatus;
  const importLines = async (lines: unknown[]) => importInsights(agentDir, await writeNdjson(join(root, `lines-${++file}.ndjson`), lines));

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), "canopy-e2e-settings-"));
    // Ten minutes before the next UTC midnight, on the hub's clock only.
    const now = Date.now();
    clock.moveTo(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), new Date(now).getUTCDate() + 1) - 10 * MINUTE);
    hub = await startInProcessHub({ dataDir: join(root, "hub"), clock, housekeepingMs: 100 });
    tenantId = (await hub.api.createTenant("Capped Corp")).id;
    agentDir = join(root, "agent");
    await mkdir(agentDir, { recursive: true });
    const { code } = await hub.api.pairingCode(tenantId);
    const paired = await pairWithCli(hub.url, code, agentDir);
    expect(paired.code, paired.stderr).toBe(0);
    agent = spawnAgentRun(agentDir);
    await hub.api.waitForStatus(tenantId, "online");
  });
  afterAll(async () => {
    await agent?.stop(2000);
    await hub?.close();
    await rm(root, { recursive: true, force: true });
  });

  it("past the daily volume cap the agent keeps the insights, says so, and they all arrive after UTC midnight", async () => {
    await importLines(insightLines("day1", 20));
    await waitForInsightTotal(hub.api, 20);
    const first = await usage();
    expect(first.today).toMatchObject({ count: 20, capReached: false });

    // A cap below what the day already used: the next batches are refused.
    await patch({ dailyVolumeGb: (first.today.bytes * 0.75) / 1e9 });
    expect((await usage()).today.capReached).toBe(true);
    await importLines(insightLines("held", 10));
    const held = await waitFor("the agent to report its insights held by the hub", async () => (await status()).insightsHeld, { timeoutMs: 20_000 });
    expect(held.reason).toBe("daily_volume_cap");
    expect(held.message).toContain("daily insight volume reached");
    // Kept at the agent, not on the hub.
    expect(await agentInsights(agentDir)).toHaveLength(30);
    expect((await listAllInsights(hub.api, { limit: 200 })).filter((i) => i.localId.startsWith("held"))).toEqual([]);

    // The hub's clock passes UTC midnight: the cap resets and the held insights come, none lost.
    clock.advance(15 * MINUTE);
    await waitForInsightTotal(hub.api, 30, {}, 30_000);
    const ids = (await listAllInsights(hub.api, { limit: 200 })).map((i) => i.localId).sort();
    expect(ids).toEqual([...insightLines("day1", 20), ...insightLines("held", 10)].map((l) => l.id).sort());
    await waitFor("the agent to say its insights flow again", async () => (await status()).insightsHeld === null, { timeoutMs: 20_000 });
    const after = await usage();
    expect(after.today).toMatchObject({ count: 10, capReached: false });
  });

  it("retention purges old insights at the hub and at the agent", async () => {
    await patch({ dailyVolumeGb: 1 });
    // Five found long ago (a SIEM's backlog), the newest 400 days back.
    await importLines(insightLines("ancient", 5, Date.now() - 400 * DAY));
    await waitForInsightTotal(hub.api, 35);
    expect(await agentInsights(agentDir)).toHaveLength(35);

    await patch({ retentionDays: 30 });
    await waitForInsightTotal(hub.api, 30, {}, 20_000);
    const agentHeld = await waitFor(
      "the agent to purge insights past its retention",
      async () => {
        const held = await agentInsights(agentDir);
        return held.length === 30 ? held : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(agentHeld.filter((i) => i.id.startsWith("ancient"))).toEqual([]);
    expect((await listAllInsights(hub.api, { limit: 200 })).filter((i) => i.localId.startsWith("ancient"))).toEqual([]);
  });
});
