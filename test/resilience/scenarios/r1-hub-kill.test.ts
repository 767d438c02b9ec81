// R1: the hub process is SIGKILLed at a random point of each of several pushes of Sigma rules
// to hundreds of agents (once a random share of them has answered), and restarted on the same port and data dir each time; the next push
// starts while the previous one may still be recovering. Every tenant must converge, each push's
// ledger must hold exactly one result per tenant × item, and the history must be exact.
import { sigmaFiles } from "@canopy/shared-data";
import { heldContent, type Scenario, waitFor, type ContentItem } from "@canopy/test-e2e/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listContentItems } from "../harness/content-sync.js";
import { scale } from "../harness/env.js";
import { Figures } from "../harness/figures.js";
import { AgentFleet, type FleetMember } from "../harness/fleet.js";
import { hubHealthy } from "../harness/hub-health.js";
import { startScenario } from "../harness/hub-watch.js";
import { expectExactLedger, expectHolds, pushDeadlineMs, settledCount, waitForPushDone, waitForPushSummary } from "../harness/push-checks.js";
import { randomFor } from "../harness/random.js";

const { agents: AGENTS, rules: RULES, kills: KILLS } = scale.r1;

describe(`R1: the hub is SIGKILLed at a random point of each of ${KILLS} pushes to ${AGENTS} agents`, () => {
  const figures = new Figures("R1 hub SIGKILL mid-push");
  let scenario: Scenario;
  let fleet: AgentFleet;
  let members: FleetMember[];

  beforeAll(async () => {
    await figures.phase("setup", async () => {
      scenario = await startScenario();
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
    const imported = await figures.phase("import", () => scenario.api.importContent({ files: sigmaFiles(RULES * KILLS) }));
    const all = [...imported.created, ...imported.updated];
    expect(all.length, "Sigma rules imported").toBeGreaterThan(RULES * KILLS * 0.9);
    // One push per kill, each with rules of its own: a kill always finds its push under way (a
    // restart settles from the agents' manifests at once what they already hold).
    const runs: ContentItem[][] = Array.from({ length: KILLS }, (_, k) => all.filter((_, i) => i % KILLS === k));
    const perPush = runs[0]!.length * members.length;
    figures.set("runs", `${KILLS} pushes of ~${runs[0]!.length} rules × ${members.length} agents (${runs.flat().length * members.length} results)`);

    const random = randomFor("r1");
    const pushes: string[] = [];
    const kills: string[] = [];
    const lost: number[] = [];
    await figures.phase("pushes with kills", async () => {
      for (const rules of runs) {
        const { id } = await scenario.api.push({ items: rules.map((r) => ({ kind: "siem-rules", id: r.id })), targets: { all: true } });
        pushes.push(id);
        const point = 0.05 + 0.85 * random();
        // Aimed at the agents' answers, not at the progress the API shows: the hub shows a result
        // settled only once it is on disk, and one write can land a burst of hundreds of answers,
        // stepping from short of the point straight to the push's end. At the point, the agents
        // that have not answered yet hold results the hub cannot have settled.
        const aim = Math.max(1, Math.round(point * members.length));
        const answered = await waitFor(
          `${aim} of ${members.length} agents to answer push ${id}`,
          async () => {
            const count = await fleet.acked(id);
            return count >= aim ? count : undefined;
          },
          { timeoutMs: pushDeadlineMs(perPush), intervalMs: 20 },
        );
        const at = await waitForPushSummary(scenario.api, id, `push ${id} as shown before the kill`, () => true, 10_000, 20);
        // Killed right after the API showed `at`: what it showed as settled must still be settled
        // once the hub is back ("nothing unpersisted is ever shown as done"), read at once,
        // before the agents reconnect and settle anything again from their manifests.
        const port = scenario.hub.port;
        await scenario.hub.kill();
        const restartedAt = performance.now();
        await scenario.startHub({ port });
        const listening = performance.now() - restartedAt;
        const first = await waitForPushSummary(scenario.api, id, `push ${id} listed after the restart`, () => true, 10_000, 20);
        lost.push(Math.max(0, settledCount(at) - settledCount(first)));
        await fleet.waitOnline(60_000);
        // Where the push was on the network, and what the API showed settled (on disk) right before the kill.
        kills.push(`${answered}/${members.length} agents answered, ${((settledCount(at) / at.progress.total) * 100).toFixed(1)} % shown settled (aimed ${(point * 100).toFixed(1)} %; listening ${(listening / 1000).toFixed(1)} s, all online ${((performance.now() - restartedAt) / 1000).toFixed(1)} s)`);
        // A kill after the push finished would test nothing: the scenario's premise.
        expect(at.progress.pending, `kill ${kills.length} landed mid-push`).toBeGreaterThan(0);
      }
      figures.set("faults injected", `${kills.length} SIGKILL of canopy-hub at ${kills.join("; ")}`);
      figures.set("shown settled, then pending after the crash", lost.join(" + "));
      for (const id of pushes) await waitForPushDone(scenario.api, id, pushDeadlineMs(perPush));
    });

    // Results the API showed as settled that a crash put back to pending (issue 10: acknowledged only once durable).
    expect.soft(lost, "results shown settled right before each kill, pending again after the restart").toEqual(lost.map(() => 0));

    await figures.phase("verify", async () => {
      const tenants = members.map((m) => m.tenantId);
      let results = 0;
      for (const [k, id] of pushes.entries()) results += (await expectExactLedger(scenario.api, id, tenants, new Map(runs[k]!.map((r) => [r.name, r.hash])))).results.length;
      const desired = new Map(all.map((r) => [r.name, r.hash]));
      const items = await listContentItems(scenario.api, "siem-rules");
      const unsynced = items.filter((i) => !i.sync.synchronized || i.sync.applied !== members.length).map((i) => `${i.name}: ${JSON.stringify(i.sync)}`);
      expect.soft(unsynced.slice(0, 5), "every rule shows every tenant in sync").toEqual([]);
      await fleet.stop();
      const held = await fleet.held();
      for (const m of members) expectHolds(m.tenantName, held[m.dataDir] ?? [], desired);
      // The way a tenant admin would look, for a sample: the CLI reads the same manifest.
      for (const m of [members[0]!, members.at(-1)!]) expect(await heldContent(m.dataDir)).toEqual(held[m.dataDir]);
      figures.set("items verified", `${results} results, ${members.length * desired.size} held items on ${members.length} agents, ${items.length} sync states`);
      const health = await hubHealthy(scenario.hub);
      figures.set("crashes", health.alive && health.healthz === 200 ? 0 : `hub ${JSON.stringify(health)}`);
      expect(health).toEqual({ alive: true, healthz: 200 });
    });
  });
});
