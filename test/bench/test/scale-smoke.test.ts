// The scale suite at ~200 agents, every scenario, so that it cannot rot: asserts what each
// scenario must get right — every ack persisted, every hash matched at the agents, every agent
// back after a restart, memory returned after the agents left — never how fast. The fleets, the bare
// server and the probe run from the BUILT dist/, as under `npm run bench`.
import { describe, expect, it } from "vitest";
import { printTable, rowsOf } from "../src/scale/report.js";
import { runScale } from "../src/scale/scale.js";
import { DEFAULT_SCALE, SCENARIOS, type ScaleOptions } from "../src/scale/scale-options.js";

const AGENTS = 200;
const SMOKE: ScaleOptions = {
  ...DEFAULT_SCALE,
  agents: AGENTS,
  scenarios: [...SCENARIOS],
  fleets: 2,
  ruleTenants: 3,
  rules: 300,
  pingConcurrency: 32,
  singlePings: 50,
  insightTenants: 5,
  insightsPerTenant: 200,
  // A restart is back within seconds, not after the agent's 30 s backoff ceiling.
  reconnectMaxMs: 2000,
  timeoutMs: 60_000,
};
const MiB = 1024 * 1024;

describe("the scale suite at 200 agents", () => {
  it("pairs, pushes, pings, restarts and lets go of every agent, correctly", async () => {
    const run = await runScale(SMOKE);
    printTable(run, rowsOf(run));
    const { hub, bare, insights } = run;
    if (!hub || !bare || !insights) throw new Error("a side of the run is missing");

    // P5: every agent back after the hub restart, none gave up; the bare clients too.
    expect(hub.restart?.value).toMatchObject({ online: AGENTS, gaveUp: 0 });
    expect(bare.restart?.value.open).toBe(AGENTS);
    // P4: every ping answered.
    expect(hub.pingAll?.value.answered).toBe(AGENTS);
    // P2: the playbook applied and its result persisted for every tenant, its hash held by every agent.
    const playbook = hub.playbook!.value;
    expect(playbook.state).toBe("completed");
    expect(playbook.progress).toMatchObject({ total: AGENTS, failed: 0, pending: 0 });
    expect(playbook.settled).toBe(AGENTS);
    expect(playbook.hashes).toEqual({ agents: AGENTS, matched: AGENTS, missing: 0, wrong: 0 });
    expect(bare.playbook?.value.acks).toBe(AGENTS);
    // P3: every rule at every target tenant, persisted and hash-verified.
    const rules = hub.rules!.value;
    expect(rules.rules).toBeGreaterThan(250);
    expect(rules.expected).toBe(rules.rules * SMOKE.ruleTenants);
    expect(rules.progress).toMatchObject({ failed: 0, pending: 0 });
    expect(rules.settled).toBe(rules.expected);
    expect(rules.hashes).toEqual({ agents: SMOKE.ruleTenants, matched: rules.expected, missing: 0, wrong: 0 });
    // Memory returned: a second round of every agent leaving keeps well under half of what they
    // held while connected (a leak of everything a connection holds would keep all of it).
    const memory = hub.memory;
    expect(memory.online).toBe(AGENTS);
    const held = memory.connectedHeap - memory.leftHeap;
    expect(memory.leftAgainHeap - memory.leftHeap).toBeLessThan(Math.max(0.5 * held, 1 * MiB));
    // P6: the restarted hub holds and lists every insight; P7: each scenario has its loop figures.
    expect(insights.insights).toBe(SMOKE.insightTenants * SMOKE.insightsPerTenant);
    for (const m of [hub.pairing, hub.restart, hub.pingAll, hub.singlePing, hub.playbook, hub.rules]) {
      expect(m?.loop.max).toBeGreaterThanOrEqual(0);
      expect(m?.cpuS).toBeGreaterThan(0);
    }
  });
});
