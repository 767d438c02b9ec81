// R3: hundreds of agents reach the hub through a TCP proxy on loopback that resets a share of
// the live connections every second while a push is delivered. Everything must converge, with
// exactly one result per tenant × item.
import { sigmaFiles } from "@canopy/shared-data";
import type { Scenario } from "@canopy/test-e2e/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scale } from "../harness/env.js";
import { Figures } from "../harness/figures.js";
import { AgentFleet, type FleetMember } from "../harness/fleet.js";
import { hubHealthy } from "../harness/hub-health.js";
import { startScenario } from "../harness/hub-watch.js";
import { expectExactLedger, expectHolds, pushDeadlineMs, waitForPushDone } from "../harness/push-checks.js";
import { randomFor } from "../harness/random.js";
import { TcpProxy } from "../harness/tcp-proxy.js";

const { agents: AGENTS, rules: RULES, cutShare: SHARE, cutEveryMs: EVERY_MS } = scale.r3;

describe(`R3: a proxy cuts ${SHARE * 100} % of the connections every ${EVERY_MS} ms during a push to ${AGENTS} agents`, () => {
  const figures = new Figures("R3 connections cut during a push");
  let scenario: Scenario;
  let proxy: TcpProxy;
  let fleet: AgentFleet;
  let members: FleetMember[];

  beforeAll(async () => {
    await figures.phase("setup", async () => {
      scenario = await startScenario();
      proxy = await TcpProxy.start({ host: "127.0.0.1", port: scenario.hub.port });
      fleet = AgentFleet.start();
      // Paired through the proxy, so the agents' credentials name it as their hub.
      members = await fleet.add(scenario.api, proxy.url, scenario.dir("fleet"), AGENTS, "R3 Tenant");
    });
  });
  afterAll(async () => {
    figures.print();
    await fleet?.close();
    await proxy?.close();
    await scenario?.close();
  });

  it("every tenant converges and no result is doubled", async () => {
    const imported = await figures.phase("import", () => scenario.api.importContent({ files: sigmaFiles(RULES) }));
    const rules = [...imported.created, ...imported.updated];
    expect(rules.length, "Sigma rules imported").toBeGreaterThan(RULES * 0.9);
    const desired = new Map(rules.map((r) => [r.name, r.hash]));
    figures.set("runs", 1).set("push", `${rules.length} rules × ${members.length} agents = ${rules.length * members.length} results`);
    const before = await fleet.states();

    const { id } = await scenario.api.push({ items: rules.map((r) => ({ kind: "siem-rules", id: r.id })), targets: { all: true } });
    const deadline = pushDeadlineMs(rules.length * members.length);
    let underCuts: Error | undefined;
    await figures.phase("push under cuts", async () => {
      proxy.startCutting(SHARE, EVERY_MS, randomFor("r3"));
      try {
        await waitForPushDone(scenario.api, id, deadline);
      } catch (error) {
        underCuts = error as Error;
      } finally {
        proxy.stopCutting();
      }
    });
    const after = await fleet.states();
    figures.set(
      "faults injected",
      `${proxy.stats.cut} connections reset in ${proxy.stats.rounds} rounds; ${after.onlineEvents - before.onlineEvents} reconnections`,
    );
    if (underCuts) {
      // Tells a push that stalls for good from one that only cannot finish while the network is this bad.
      const healed = await figures.phase("after the cuts stopped", () => waitForPushDone(scenario.api, id, deadline).then(() => "it converged once the cuts stopped", (e: Error) => `nor after the cuts stopped: ${e.message}`));
      figures.set("converged", `not under cuts; ${healed}`);
      throw new Error(`the push did not converge under the cuts (${underCuts.message}); ${healed}`);
    }
    expect(proxy.stats.cut, "the proxy cut connections during the push").toBeGreaterThan(0);

    await figures.phase("verify", async () => {
      const push = await expectExactLedger(scenario.api, id, members.map((m) => m.tenantId), desired);
      await fleet.stop();
      const held = await fleet.held();
      for (const m of members) expectHolds(m.tenantName, held[m.dataDir] ?? [], desired);
      figures.set("items verified", `${push.results.length} results, ${members.length * desired.size} held items on ${members.length} agents`);
      const health = await hubHealthy(scenario.hub);
      figures.set("crashes", health.alive && health.healthz === 200 ? 0 : `hub ${JSON.stringify(health)}`);
      expect(health).toEqual({ alive: true, healthz: 200 });
    });
  });
});
