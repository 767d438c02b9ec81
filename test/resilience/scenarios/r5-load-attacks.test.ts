// R5 attackers who try to slow the hub down for everyone: a Sigma rule built to make the condition
// check backtrack (ReDoS), an authenticated agent flooding unknown frames or single-insight
// batches, and sockets flooding bytes before the handshake. Each case asserts what the attacker
// gets (a prompt refusal, slowing down, a 4029 or a 4000, few bytes read) and that a healthy
// tenant, pinged through the API every 20 ms from its own process, does not notice (p99 < 100 ms).
import { type Scenario, waitFor, type PairedAgent } from "@canopy/test-e2e/harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { floodSingleInsights, floodUnknownFrames, formatFlood } from "../harness/agent-floods.js";
import { pairAttacker } from "../harness/attackers.js";
import { scale } from "../harness/env.js";
import { Figures } from "../harness/figures.js";
import { hubHealthy } from "../harness/hub-health.js";
import { formatPing, PingProbe, pingFigures, type PingFigures } from "../harness/ping-probe.js";
import { bytesRead, preauthFlood, type PreauthOutcome, type PreauthStyle } from "../harness/preauth-flood.js";
import { redosRule } from "../harness/redos-rule.js";
import { startScenario } from "../harness/hub-watch.js";
import type { PingSample } from "../src/probe-protocol.js";

const R5 = scale.r5;
/** What one agent may cost (apps/hub/README.md "Agent gateway"): the contract the floods are held to. */
const BUDGET = { badFrameBurst: 20, framesPerSecond: 200, frameBurst: 1000, pendingBatches: 8, bytesBeforeHello: 64 * 1024 };

describe("R5 attackers under load: a ReDoS rule, agent floods, a flood before the handshake", () => {
  const figures = new Figures("R5 attackers: ReDoS and floods");
  let scenario: Scenario;
  let healthy: PairedAgent;
  let probe: PingProbe | undefined;
  let samples: PingSample[] = [];
  /** Each attack's time window, to cut the healthy tenant's pings by. */
  const windows: { name: string; from: number; to: number }[] = [];
  let calmUntil = 0;

  async function underAttack<T>(name: string, attack: () => Promise<T>): Promise<T> {
    const from = Date.now();
    try {
      return await figures.phase(name, attack);
    } finally {
      windows.push({ name, from, to: Date.now() });
    }
  }

  beforeAll(async () => {
    await figures.phase("setup", async () => {
      // The product's heartbeat: a flood must not be mistaken for a dead link by a 1 s heartbeat.
      scenario = await startScenario({ heartbeatMs: 15_000 });
      healthy = await scenario.addAgent("R5 Healthy Tenant", "process");
      await scenario.api.waitForStatus(healthy.tenant.id, "online");
      probe = await PingProbe.start(scenario.hub.url, healthy.tenant.id, R5.pingEveryMs);
      await waitFor("40 calm pings", async () => (await probe!.count()) >= 40, { timeoutMs: 60_000, intervalMs: 100 });
      calmUntil = Date.now();
    });
  });
  afterAll(async () => {
    if (probe) samples = await probe.stop().catch(() => []);
    figures.print();
    await scenario?.close();
  });

  it(`a Sigma rule with 33- and 70-character wildcard tokens is refused at once with its problem code (${R5.redosImports} imports or more, for ${R5.minAttackMs / 1000} s at least)`, async () => {
    const yaml = [redosRule("R5 ReDoS 33", 33), redosRule("R5 ReDoS 70", 70)].join("\n---\n");
    const answers: { status: number; ms: number; codes: string[] }[] = [];
    const { key } = await scenario.api.request<{ key: string }>("POST", "/api-keys", { name: "r5 importer", role: "operator" });
    await underAttack("redos", async () => {
      const t0 = performance.now();
      for (let i = 0; i < R5.redosImports || performance.now() - t0 < R5.minAttackMs; i++) {
        const t0 = performance.now();
        // A deadline on the request itself: a hub that backtracks would otherwise hang the test for hours.
        const res = await fetch(new URL("/api/v1/content/import", scenario.hub.url), {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/yaml" },
          body: yaml,
          signal: AbortSignal.timeout(20_000),
        });
        const body = (await res.json()) as { refused?: { title: string; code: string }[]; created?: unknown[] };
        answers.push({ status: res.status, ms: performance.now() - t0, codes: (body.refused ?? []).map((r) => `${r.title}: ${r.code}`) });
      }
    });
    const slowest = Math.max(...answers.map((a) => a.ms));
    figures.set("redos imports", `${answers.length} × 2 rules, each answered in ≤ ${slowest.toFixed(0)} ms: ${answers[0]!.codes.join(", ")}`);
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 201));
    expect(answers.map((a) => a.codes)).toEqual(answers.map(() => ["R5 ReDoS 33: unknown-identifier", "R5 ReDoS 70: unknown-identifier"]));
    expect(slowest, "the slowest import (ms)").toBeLessThan(2000);
    const rules = await scenario.api.request<{ items: unknown[] }>("GET", "/content/siem-rules?q=ReDoS");
    expect(rules.items, "nothing of the refused rules was kept").toEqual([]);
  });

  it("an agent flooding unknown frames is told rate_limited and closed 4029 after its bad-frame burst, each time it comes back", async () => {
    const attacker = await pairAttacker(scenario, "R5 Unknown Flooder");
    const report = await underAttack("unknown-frame flood", () => floodUnknownFrames(scenario.hub.url, attacker, { durationMs: R5.floodMs, perConnection: R5.unknownPerConnection }));
    figures.set("unknown-frame flood", formatFlood(report));
    expect(report.connections).toBeGreaterThan(1);
    expect(report.closes, "every connection closed 4029").toEqual({ 4029: report.connections });
    expect(report.errors.rate_limited, "a rate_limited error before each close").toBe(report.connections);
    // The first connection gets the whole burst of typed answers; later ones (same tenant, same
    // budget) get at most that many: a reconnect does not refill it.
    expect(Math.max(...report.answeredBeforeClose), "answers before the close").toBeLessThanOrEqual(BUDGET.badFrameBurst + 1);
    expect(report.errors.unknown_type ?? 0).toBeGreaterThan(0);
  });

  it(`an agent flooding single-insight batches at ${R5.insightsPerSecond}/s is slowed to its frame budget or closed 4029`, async () => {
    const attacker = await pairAttacker(scenario, "R5 Insight Flooder");
    const t0 = Date.now();
    const report = await underAttack("single-insight flood", () => floodSingleInsights(scenario.hub.url, attacker, { durationMs: R5.floodMs, perSecond: R5.insightsPerSecond }));
    const seconds = (Date.now() - t0) / 1000;
    // The most the contract lets through: the burst, the rate, and a burst of debt (past it: 4029).
    const allowed = 2 * BUDGET.frameBurst + BUDGET.framesPerSecond * seconds;
    figures.set(
      "single-insight flood",
      `${formatFlood(report)}; sent ${(report.framesSent / seconds).toFixed(0)} frames/s, acked ${(report.acks / seconds).toFixed(0)}/s (the budget allows ≤ ${allowed.toFixed(0)} in ${seconds.toFixed(1)} s)`,
    );
    expect(report.framesSent, "the flood outran the budget (else it proves nothing)").toBeGreaterThan(2 * allowed);
    expect(report.acks, "batches the hub took in").toBeLessThanOrEqual(allowed);
    for (const code of Object.keys(report.closes)) expect(Number(code), "a close is the budget's 4029").toBe(4029);
    // Acked means stored (the hub may have read a little more before the flood stopped).
    const stored = await scenario.api.request<{ total: number }>("GET", `/insights?tenantId=${attacker.tenantId}&limit=1`);
    expect(stored.total, "every acked batch is stored").toBeGreaterThanOrEqual(report.acks);
  });

  it(`${R5.preauthSockets} sockets at a time flooding ${R5.preauthMiB} MiB each before the handshake are closed, having cost the hub little to read`, async () => {
    const styles: PreauthStyle[] = ["unknown-frames", "big-frame", "endless-fragments"];
    const hubPid = scenario.hub.child.process.pid!;
    const readBefore = bytesRead(hubPid);
    const outcomes = await underAttack("pre-auth flood", async () => {
      // Rounds of sockets until the attack has lasted long enough for the ping figures.
      const all: PreauthOutcome[] = [];
      const t0 = performance.now();
      do {
        all.push(...(await Promise.all(Array.from({ length: R5.preauthSockets }, (_, i) => preauthFlood(scenario.hub.url, styles[i % styles.length]!, R5.preauthMiB * 1024 * 1024)))));
      } while (performance.now() - t0 < R5.minAttackMs);
      return all;
    });
    const read = bytesRead(hubPid) - readBefore;
    const byStyle = styles.map((style) => {
      const mine = outcomes.filter((o) => o.style === style);
      return `${style}: closes ${JSON.stringify(count(mine.map((o) => o.close)))}, errors ${JSON.stringify(count(mine.map((o) => o.errorCode ?? "none")))}, ≤ ${Math.max(...mine.map((o) => o.closedAfterMs))} ms`;
    });
    const offered = outcomes.reduce((sum, o) => sum + o.offered, 0);
    figures.set("pre-auth flood", `${outcomes.length} sockets (${outcomes.length / R5.preauthSockets} rounds of ${R5.preauthSockets}); ${byStyle.join("; ")}`);
    figures.set("pre-auth bytes", `offered ${(offered / 1048576).toFixed(1)} MiB, the hub read ${(read / 1048576).toFixed(2)} MiB in all (refused past ${BUDGET.bytesBeforeHello / 1024} KiB and read no further; cut 2 s after the refusal)`);
    for (const o of outcomes) {
      // Refused with its error and 4000 once the hub has read past the limit or a frame that is
      // not hello; the hub reads no more and sends the refusal with a FIN, so even a peer still
      // sending gets it (the cut, 2 s later, would be a bare 1006).
      expect(o.close, `${o.style} closed 4000`).toBe(4000);
      expect(o.closedAfterMs, `${o.style} closed promptly (ms)`).toBeLessThan(5000);
      expect(["unknown_type", "frame_too_large"], `${o.style}: the error's code`).toContain(o.errorCode);
    }
    // What the hub read in all (this flood, and the pings and healthy agent meanwhile): about the
    // limit per socket plus the last reads, never the megabytes offered. (Not a share
    // of `offered`: that is what the attacker got into its socket before the cut, so the sooner
    // the hub cuts, the less is offered and the larger the share a prompt hub would be blamed for.)
    expect(read, "bytes the hub read during the flood").toBeLessThan(outcomes.length * (2 * BUDGET.bytesBeforeHello + 128 * 1024) + 1024 * 1024);
  });

  it(`the healthy tenant's ping p99 stayed under ${R5.pingP99LimitMs} ms during every attack`, async () => {
    samples = await probe!.stop();
    probe = undefined;
    figures.set("healthy ping, calm", formatPing(pingFigures(samples.filter((s) => s.at < calmUntil))));
    const byAttack: [string, PingFigures][] = windows.map((w) => [w.name, pingFigures(samples.filter((s) => s.at >= w.from && s.at <= w.to))]);
    for (const [name, ping] of byAttack) figures.set(`healthy ping, ${name}`, formatPing(ping));
    const health = await hubHealthy(scenario.hub);
    figures.set("crashes", health.alive && health.healthz === 200 ? 0 : `hub ${JSON.stringify(health)}`);
    expect(health).toEqual({ alive: true, healthz: 200 });
    for (const [name, ping] of byAttack) {
      expect(ping.samples, `pings during ${name}`).toBeGreaterThan(5);
      expect(ping.failureExamples, `every ping answered during ${name}`).toEqual([]);
      expect(ping.httpP99, `HTTP ping p99 during ${name} (ms)`).toBeLessThan(R5.pingP99LimitMs);
      expect(ping.linkP99, `link RTT p99 during ${name} (ms)`).toBeLessThan(R5.pingP99LimitMs);
    }
    expect((await scenario.api.getTenant(healthy.tenant.id)).status).toBe("online");
  });
});

function count(values: (string | number)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}
