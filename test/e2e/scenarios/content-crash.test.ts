import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heldContent } from "../harness/content.js";
import { Scenario } from "../harness/scenario.js";
import { sigmaFiles } from "@canopy/shared-data";
import { waitFor } from "../harness/wait.js";

describe("the hub is killed mid-push", () => {
  let scenario: Scenario;
  beforeAll(async () => {
    scenario = await Scenario.start();
    for (let i = 0; i < 3; i++) await scenario.addAgent(`Crash Tenant ${i}`, i === 0 ? "in-process" : "process");
    for (const a of scenario.agents) await scenario.api.waitForStatus(a.tenant.id, "online");
  });
  afterAll(() => scenario?.close());

  it("every target converges after the restart, no result lost or doubled", async () => {
    const imported = await scenario.api.importContent({ files: sigmaFiles(1500) });
    const rules = [...imported.created, ...imported.updated];
    expect(rules.length).toBeGreaterThan(1000);
    const { id } = await scenario.api.push({
      items: rules.map((r) => ({ kind: "siem-rules", id: r.id })),
      targets: { all: true },
    });
    const total = rules.length * 3;

    // Kill -9 as soon as some, but not all, acknowledgements are in.
    await waitFor("a partly delivered push", async () => {
      const { progress } = await scenario.api.getPush(id);
      return progress.applied > 0 && progress.pending > 0;
    }, { timeoutMs: 30_000, intervalMs: 20 });
    const port = scenario.hub.port;
    await scenario.hub.kill();
    await scenario.startHub({ port });

    const push = await scenario.api.waitForPush(id, 90_000);
    expect(push.state).toBe("completed");
    expect(push.progress).toMatchObject({ total, applied: total, failed: 0, pending: 0 });
    expect(push.results).toHaveLength(total);
    const keys = new Set(push.results.map((r) => `${r.tenantId}/${r.name}`));
    expect(keys.size).toBe(total);
    for (const agent of scenario.agents) {
      const held = await heldContent(agent.dataDir);
      expect(held.filter((c) => c.kind === "siem-rule")).toHaveLength(rules.length);
    }
  }, 180_000);
});
