// R1: the hub process is SIGKILLed at random points of a push of Sigma rules to hundreds of
// agents, and restarted on the same port and data dir each time. Every tenant must converge,
// the ledger must hold exactly one result per tenant × item, and the history must be exact.
import { sigmaFiles } from "@canopy/shared-data";
import { heldContent, Scenario } from "@canopy/test-e2e/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listContentItems } from "../harness/content-sync.js";
import { scale } from "../harness/env.js";
import { Figures } from "../harness/figures.js";
import { AgentFleet, type FleetMember } from "../harness/fleet.js";
import { hubHealthy } from "../harness/hub-health.js";
import { expectExactLedger, expectHolds, pushDeadlineMs, settledCount, waitForPushDone, waitForPushSummary } from "../harness/push-checks.js";
import { randomFor, spreadPoints } from "../harness/random.js";

const { agents: AGENTS, rules: RULES, kills: KILLS } = scale.r1;

describe(`R1: the hub is SIGKILLed at ${KILLS} random points of a push to ${AGENTS} agents`, () => {
  const figures = new Figures("R1 hub SIGKILL mid-push");
  let scenario: Scenario;
  let fleet: AgentFleet;
  let members: FleetMember[];

  beforeAll(async () => {
    await figures.phase("setup", async () => {
      scenario = await Scenario.start();
      fleet = AgentFleet.start();
      members = await fleet.add(scenario.api, scenario.hub.url, scenario.dir("fleet"), AGENTS, "R1 Tenant");
    });
  });
  afterAll(async () => {
    figures.print();
    await fleet?.close();
    await scenario?.close();
  });

  it("every tenant converges; no result lost or doubled; the history is exact", async () => {
    const imported = await figures.phase("import", () => scenario.api.importContent({ files: sigmaFiles(RULES) }));
    const rules = [...imported.created, ...imported.updated];
    expect(rules.length, "Sigma rules imported").toBeGreaterThan(RULES * 0.9);
    const desired = new Map(rules.map((r) => [r.name, r.hash]));
    const total = rules.length * members.length;
    figures.set("runs", 1).set("push", `${rules.length} rules × ${members.length} agents = ${total} results`);

    const { id } = await scenario.api.push({ items: rules.map((r) => ({ kind: "siem-rules", id: r.id })), targets: { all: true } });
    const kills: string[] = [];
    const lost: number[] = [];
    await figures.phase("push with kills", async () => {
      for (const point of spreadPoints(randomFor("r1"), KILLS, 0, 0.9)) {
        const at = await waitForPushSummary(scenario.api, id, `push ${id} past ${(point * 100).toFixed(1)} %`, (s) => settledCount(s) >= point * s.progress.total, pushDeadlineMs(total), 20);
        // What the API shows as settled right before the crash must still be settled after it
        // ("nothing unpersisted is ever shown as done"); read again at once, before the agents
        // are back to settle anything from their manifests.
        const shown = await scenario.api.getPush(id);
        const port = scenario.hub.port;
        await scenario.hub.kill();
        const restartedAt = performance.now();
        await scenario.startHub({ port });
        const listening = performance.now() - restartedAt;
        const after = new Map((await scenario.api.getPush(id)).results.map((r) => [`${r.tenantId}/${r.name}`, r.status]));
        const unsettled = shown.results.filter((r) => r.status !== "pending" && after.get(`${r.tenantId}/${r.name}`) === "pending");
        lost.push(unsettled.length);
        await fleet.waitOnline(60_000);
        // The progress seen last before the kill: past the aimed point (results land in flushes).
        kills.push(`${((settledCount(at) / at.progress.total) * 100).toFixed(1)} % (aimed ${(point * 100).toFixed(1)} %; listening ${(listening / 1000).toFixed(1)} s, all online ${((performance.now() - restartedAt) / 1000).toFixed(1)} s)`);
        // A kill after the push finished would test nothing: the scenario's premise.
        expect(at.progress.pending, `kill ${kills.length} landed mid-push`).toBeGreaterThan(0);
      }
      figures.set("faults injected", `${kills.length} SIGKILL of canopy-hub at ${kills.join("; ")}`);
      figures.set("shown settled, then pending after the crash", lost.join(" + "));
      await waitForPushDone(scenario.api, id, pushDeadlineMs(total));
    });

    // Results the API showed as settled that a crash put back to pending (issue 10: acknowledged only once durable).
    expect.soft(lost, "results shown settled before each kill, pending after the restart").toEqual(lost.map(() => 0));

    await figures.phase("verify", async () => {
      const push = await expectExactLedger(scenario.api, id, members.map((m) => m.tenantId), desired);
      const items = await listContentItems(scenario.api, "siem-rules");
      const unsynced = items.filter((i) => !i.sync.synchronized || i.sync.applied !== members.length).map((i) => `${i.name}: ${JSON.stringify(i.sync)}`);
      expect.soft(unsynced.slice(0, 5), "every rule shows every tenant in sync").toEqual([]);
      await fleet.stop();
      const held = await fleet.held();
      for (const m of members) expectHolds(m.tenantName, held[m.dataDir] ?? [], desired);
      // The way a tenant admin would look, for a sample: the CLI reads the same manifest.
      for (const m of [members[0]!, members.at(-1)!]) expect(await heldContent(m.dataDir)).toEqual(held[m.dataDir]);
      figures.set("items verified", `${push.results.length} results, ${members.length * desired.size} held items on ${members.length} agents, ${items.length} sync states`);
      const health = await hubHealthy(scenario.hub);
      figures.set("crashes", health.alive && health.healthz === 200 ? 0 : `hub ${JSON.stringify(health)}`);
      expect(health).toEqual({ alive: true, healthz: 200 });
    });
  });
});
