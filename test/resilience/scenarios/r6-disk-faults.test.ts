// R6 storage faults, a disk that refuses writes: the hub's data folder and an agent's data folder
// each on a small disk of their own (a tmpfs the test mounts), made read-only and then full while
// the hub, the agent and an operator keep working. Every write the disk refuses gets a clear
// answer (503 store_unavailable from the hub; a 503 or a failed result with the disk's reason from
// the agent) and changes nothing anyone can see; nothing is acknowledged (a 2xx, insights.ack,
// content.ack, an ingest 200) that is not on disk, which a SIGKILL right after the disk recovers
// proves; and service resumes by itself once the disk does.
import { join } from "node:path";
import {
  agentCli,
  ApiClient,
  ApiError,
  customField,
  getInsight,
  heldContent,
  hubInsightId,
  importInsights,
  insightLines,
  pairWithCli,
  patchInsight,
  Scenario,
  spawnAgentRun,
  waitFor,
  waitForInsightTotal,
  writeNdjson,
  type Child,
  type Tenant,
} from "@canopy/test-e2e/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentView } from "../harness/agent-view.js";
import { faultyDisk, REASONS, type DiskFault, type FaultyDisk } from "../harness/faulty-disk.js";
import { Figures } from "../harness/figures.js";
import { hubHealthy } from "../harness/hub-health.js";
import { hubView } from "../harness/hub-view.js";

const FAULTS: DiskFault[] = ["read-only", "full"];

/** What the API answered instead of doing it: status, problem code and detail. */
async function refusal(call: Promise<unknown>): Promise<{ status: number; code: string; detail: string }> {
  const error = await call.then(
    () => new Error("the API did it"),
    (e: unknown) => e,
  );
  if (!(error instanceof ApiError)) throw error;
  // Login's client keeps the body as text.
  const body = (typeof error.body === "string" ? JSON.parse(error.body) : error.body) as { code: string; detail: string };
  return { status: error.status, code: body.code, detail: body.detail };
}

/** Lines of `acknowledged` that `now` lacks, list by list: what a crash lost. */
const lostLines = (acknowledged: object, now: object) =>
  Object.entries(acknowledged).flatMap(([key, lines]) => (lines as string[]).filter((line) => !(now as Record<string, string[]>)[key]!.includes(line)).map((line) => `${key}: ${line}`));

describe("R6 a disk that refuses writes: the hub's and an agent's data folder read-only, then full", () => {
  const figures = new Figures("R6 storage: read-only and full data folders");
  let hubDisk: FaultyDisk;
  let agentDisk: FaultyDisk;
  let scenario: Scenario;
  let api: ApiClient;
  let acme: Tenant;
  let acmeDir: string;
  let acmeRun: Child;
  let seeded: { id: string }[];
  const lost: string[] = [];
  const refused = { hub: 0, agentFrames: 0, agent: 0 };

  const hubDataDir = () => join(hubDisk.dir, "hub");
  /** The same hub again: its port (the agent knows it by its address) and its data folder on the disk. */
  async function restartHub(): Promise<void> {
    await scenario.startHub({ dataDir: hubDataDir(), port: scenario.hub.port });
    api = scenario.api;
  }
  const startAcme = () => (acmeRun = scenario.track(spawnAgentRun(acmeDir)));
  const slug = (fault: DiskFault) => fault.replace("-", "");

  beforeAll(async () => {
    await figures.phase("setup", async () => {
      hubDisk = await faultyDisk(24);
      agentDisk = await faultyDisk(16);
      scenario = await Scenario.start({ dataDir: hubDataDir() });
      api = scenario.api;
      acme = await api.createTenant("R6 Acme");
      acmeDir = join(agentDisk.dir, "acme");
      const paired = await pairWithCli(scenario.hub.url, (await api.pairingCode(acme.id)).code, acmeDir);
      if (paired.code !== 0) throw new Error(`pairing failed: ${paired.stderr}`);
      startAcme();
      await api.waitForStatus(acme.id, "online");
      seeded = insightLines("r6-seed", 3);
      await importInsights(acmeDir, await writeNdjson(join(scenario.root, "seed.ndjson"), seeded));
      await waitForInsightTotal(api, seeded.length);
    });
    figures.set("disks", `hub and agent each on a ${hubDisk.mode === "tmpfs" ? "tmpfs of their own (24 and 16 MiB), remounted read-only, then filled" : "folder without write permission (mounting was refused): EACCES for both faults"}`);
  });
  afterAll(async () => {
    figures.set("writes refused", `${refused.hub} hub API writes answered 503 store_unavailable; ${refused.agentFrames} agent sends refused store_unavailable + 1013; ${refused.agent} agent writes refused (ingest 503, failed push result, board change refused)`);
    figures.set("acknowledged but lost", lost.length === 0 ? 0 : lost.join("; "));
    figures.print();
    // Processes first: a mount with files open for writing cannot be unmounted. Both disks are
    // unmounted whatever failed before; a failure to unmount fails the run.
    const closed = await Promise.allSettled([scenario?.close()]);
    const unmounted = await Promise.allSettled([hubDisk?.cleanup(), agentDisk?.cleanup()]);
    const failures = [...closed, ...unmounted].filter((r) => r.status === "rejected");
    if (failures.length > 0) throw new AggregateError(failures.map((r) => r.reason), "cleaning up after R6 disk faults failed");
  });

  for (const fault of FAULTS) {
    it(`the hub's data folder ${fault}: every write answers 503 and changes nothing, what the agent sends is not acknowledged, all resumes when the disk does, and a SIGKILL then loses nothing`, async () => {
      // The agent is away while a push and two insights wait for it, so what it sends arrives during the fault.
      expect(await acmeRun.stop()).toBe(0);
      await api.waitForStatus(acme.id, "offline");
      const field = await api.createContent("custom-fields", customField(`R6 Field ${fault}`));
      const push = await api.push({ items: [{ kind: "custom-fields", id: field.id }], targets: { tenants: [acme.id] } });
      const lines = insightLines(`r6-hub-${slug(fault)}`, 2);
      await importInsights(acmeDir, await writeNdjson(join(scenario.root, `hub-${slug(fault)}.ndjson`), lines));
      const seen = await hubView(api);
      const insightsBefore = seen.insights.length;

      const errno = await hubDisk.refuse(fault);
      startAcme();
      const attempts: [string, () => Promise<unknown>][] = [
        ["create a tenant", () => api.createTenant(`R6 Refused ${fault}`)],
        ["rename a tenant", () => api.request("PATCH", `/tenants/${acme.id}`, { name: `R6 Renamed ${fault}` })],
        ["save a custom field", () => api.createContent("custom-fields", customField(`R6 Refused Field ${fault}`))],
        ["start a push", () => api.push({ items: [{ kind: "custom-fields", id: field.id }], targets: { tenants: [acme.id] } })],
        ["change an insight", () => patchInsight(api, hubInsightId(acme.id, seeded[0]!.id), { status: "closed" })],
        ["create an API key", () => api.request("POST", "/api-keys", { name: `R6 Refused ${fault}` })],
        ["sign in", () => ApiClient.login(scenario.hub.url)],
      ];
      for (const [what, attempt] of attempts) {
        const answer = await refusal(attempt());
        expect({ what, ...answer }).toEqual({ what, status: 503, code: "store_unavailable", detail: `the hub could not save this change: ${REASONS[errno]}; nothing was changed` });
        refused.hub++;
      }
      // The agent applies the field on its own disk; the hub cannot store its ack or its insights.
      // Polled through the CLI (a Node start-up each): not too often.
      await waitFor("the agent to hold the pushed field", async () => (await heldContent(acmeDir)).some((c) => c.name === field.name), { timeoutMs: 15_000, intervalMs: 500 });
      await waitFor("the hub to refuse the agent's insights (store_unavailable)", () => acmeRun.stderr().includes('"code":"store_unavailable"'), { timeoutMs: 15_000 });
      refused.agentFrames += acmeRun.stderr().split('"code":"store_unavailable"').length - 1;
      expect(await hubView(api), "nothing the user sees changed").toEqual(seen);
      expect((await api.getPush(push.id)).progress).toMatchObject({ applied: 0, pending: 1 });
      expect(await hubHealthy(scenario.hub)).toEqual({ alive: true, healthz: 200 });

      // The disk recovers: the agent's resend and the push settle by themselves.
      await hubDisk.writable();
      const t0 = performance.now();
      const settled = await api.waitForPush(push.id, 30_000);
      await waitForInsightTotal(api, insightsBefore + lines.length, {}, 30_000);
      await api.waitForStatus(acme.id, "online", 15_000);
      const resumedMs = performance.now() - t0;
      expect(settled.results.map((r) => r.status)).toEqual(["applied"]);
      const now = await hubView(api);
      expect(JSON.stringify(now), "no refused write landed later").not.toMatch(/R6 (Refused|Renamed)/);
      expect(now.pushes).toHaveLength(seen.pushes.length);
      await api.createTenant(`R6 After ${fault}`);

      // Acknowledged means on disk: a crash right now loses none of it.
      const acknowledged = await hubView(api);
      await scenario.hub.kill();
      await restartHub();
      await api.waitForStatus(acme.id, "online", 15_000);
      const afterKill = await hubView(api);
      lost.push(...lostLines(acknowledged, afterKill).map((line) => `hub ${fault}: ${line}`));
      expect(afterKill, "what the hub acknowledged survived a SIGKILL").toEqual(acknowledged);
      figures.set(
        `hub ${fault}`,
        `${attempts.length} kinds of write answered 503 (${errno}), the agent's ack and insights refused, nothing shown changed; resumed ${(resumedMs / 1000).toFixed(1)} s after the disk (push applied, ${lines.length} insights in); SIGKILL + restart: all ${acknowledged.tenants.length + acknowledged.insights.length + acknowledged.pushes.length} tenants, insights and pushes kept`,
      );
    });
  }

  for (const fault of FAULTS) {
    it(`the agent's data folder ${fault}: ingest answers 503, a push fails with the disk's reason, a board change is refused, nothing changes on the tenant; all resumes when the disk does`, async () => {
      // Its own insight per fault: the change made once the disk is back stays on the first.
      const insightId = hubInsightId(acme.id, seeded[1 + FAULTS.indexOf(fault)]!.id);
      const held = await agentView(acmeDir);
      const before = await getInsight(api, insightId);
      const hubInsights = (await hubView(api)).insights;
      const errno = await agentDisk.refuse(fault);
      const reason = REASONS[errno]!;

      const ingested = insightLines(`r6-agent-${slug(fault)}`, 2);
      const file = await writeNdjson(join(scenario.root, `agent-${slug(fault)}.ndjson`), ingested);
      const ingest = await agentCli(["insights", "import", file, "--data-dir", acmeDir]);
      expect(ingest.code).toBe(1);
      expect(ingest.stderr).toContain(`answered 503: the agent could not store these insights: ${reason}; nothing was stored, send them again later`);
      const field = await api.createContent("custom-fields", customField(`R6 Agent Field ${fault}`));
      const push = await api.push({ items: [{ kind: "custom-fields", id: field.id }], targets: { tenants: [acme.id] } });
      const failed = await api.waitForPush(push.id);
      expect(failed.state).toBe("completed_with_errors");
      expect(failed.results).toEqual([expect.objectContaining({ status: "failed", error: expect.stringContaining(errno) })]);
      await patchInsight(api, insightId, { assignee: `ana-${slug(fault)}` });
      const answered = await waitFor("the agent's answer to the board change", async () => {
        const insight = await getInsight(api, insightId);
        return insight.pending === null ? insight : undefined;
      });
      expect(answered.assignee).toBe(before.assignee);
      expect(answered.updateError?.error).toBe(`the agent could not store this change: ${reason}; nothing was changed, make the change again later`);
      refused.agent += 3;
      expect(await agentView(acmeDir), "nothing changed on the tenant").toEqual(held);
      expect((await hubView(api)).insights, "nothing new reached the hub").toEqual(hubInsights);

      // The disk recovers: the same three go through.
      await agentDisk.writable();
      expect((await agentCli(["insights", "import", file, "--data-dir", acmeDir])).code).toBe(0);
      await waitForInsightTotal(api, hubInsights.length + 2);
      await api.retryPush(push.id);
      expect((await api.waitForPush(push.id)).results.map((r) => r.status)).toEqual(["applied"]);
      await patchInsight(api, insightId, { assignee: `ana-${slug(fault)}` });
      await waitFor("the board change acknowledged", async () => (await getInsight(api, insightId)).assignee === `ana-${slug(fault)}`);

      // What the agent acknowledged (the push result, the ingest's 200, the board change's ack)
      // is in its files after a SIGKILL.
      acmeRun.process.kill("SIGKILL");
      await acmeRun.exited;
      const afterKill = await agentView(acmeDir);
      const missing = [
        afterKill.content.includes(`custom-field/${field.name} r${field.revision} ${field.hash}`) ? [] : [`the pushed ${field.name}`],
        ...ingested.map((line) => (afterKill.insights.some((i) => i.startsWith(`${line.id} `)) ? [] : [`insight ${line.id}`])),
        afterKill.insights.some((i) => i.startsWith(`${before.localId} `) && i.includes(` ana-${slug(fault)} `)) ? [] : ["the board change"],
      ].flat();
      lost.push(...missing.map((what) => `agent ${fault}: ${what}`));
      expect(missing, "acknowledged by the agent, missing from its files after a SIGKILL").toEqual([]);
      startAcme();
      await api.waitForStatus(acme.id, "online", 15_000);
      figures.set(
        `agent ${fault}`,
        `ingest 503 (${errno}), push failed "${failed.results[0]!.error}", board change refused with the reason, the tenant unchanged; after the disk: ingest 200, retry applied, change acknowledged; SIGKILL: all kept`,
      );
    });
  }
});
