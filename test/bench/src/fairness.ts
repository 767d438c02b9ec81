// `npm run bench -- fairness`: one tenant must never hurt another. A hub process, a healthy
// tenant pinged through the API every ~50 ms (its own process: `pinger.ts`), and in turn
//   idle      nothing else (the reference)
//   unknown   an authenticated agent flooding frames of an unknown type
//   insights  an authenticated agent flooding `insights.upsert` frames of one insight each
//   garbage   a socket that never says hello, flooding frames that are not protocol
//   push      a push of N Sigma rules (../shared/data) to M tenants with real agents
// Attackers run in their own process (`flood.ts`) and reconnect at once after every close.
// For each phase: the healthy ping p50/p99/max, the hub's own event-loop delay (`--import
// event-loop-probe.js`), the bytes the hub logged, and the attacker's counts. The same phases
// against the bare-ws echo server (baseline-server.ts) show what the machine itself adds.
// Prints figures and ratios; asserts nothing.
import { setTimeout as after, setInterval as every } from "node:timers/promises";
import type { EventLoopDelay } from "./event-loop-probe.js";
import { baselineTarget, eventLoopOf, hubTarget, type FloodReport, type Phase, type Target } from "./fairness-targets.js";
import type { PingSamples } from "./pinger.js";
import { percentile, type Server } from "./processes.js";

export interface FairnessOptions {
  /** How long each phase floods (the push phase lasts until the push is done, at least this). */
  phaseMs: number;
  /** Tenants (with real agents) the push goes to. */
  tenants: number;
  rules: number;
  /** Which phases to run (default all). */
  phases?: Phase[];
  /** Writes the hub's CPU profile (`node --cpu-prof`) into this folder when it stops. */
  cpuProfDir?: string;
}

export const DEFAULT_FAIRNESS_BENCH: FairnessOptions = { phaseMs: 8000, tenants: 60, rules: 500 };

export const PHASES: readonly Phase[] = ["idle", "unknown", "insights", "garbage", "push"];

interface PhaseFigures {
  pings: PingSamples;
  eventLoop: EventLoopDelay;
  logBytes: number;
  flood?: FloodReport;
  note?: string;
}

async function runPhase(target: Target, phase: Phase, options: FairnessOptions): Promise<PhaseFigures> {
  await eventLoopOf(target.server); // resets the histogram
  target.logBytes.count = 0;
  const stopLoad = await target.load(phase);
  const pings = target.pinger.next<PingSamples>("pings");
  target.pinger.process.send("start");
  // The phase is a measuring window of phaseMs (the push phase goes on until the push is done).
  await after(options.phaseMs);
  const extra = await stopLoad();
  target.pinger.process.send("stop");
  const figures = { pings: await pings, eventLoop: await eventLoopOf(target.server), logBytes: target.logBytes.count, ...extra };
  await calm(target.server);
  return figures;
}

/** Waits until the server has worked off what a phase left (queued frames, a push finishing), so phases do not bleed into each other. */
async function calm(server: Server): Promise<void> {
  const deadline = performance.now() + 120_000;
  // One look a second: each look resets the probe's histogram, so it covers the second before it.
  for await (const _ of every(1000)) {
    if ((await eventLoopOf(server)).max < 50) return;
    if (performance.now() >= deadline) break;
  }
  console.log("(the server was still busy 120 s after the phase)");
}

async function measure(target: Target, options: FairnessOptions): Promise<Map<Phase, PhaseFigures>> {
  const figures = new Map<Phase, PhaseFigures>();
  try {
    for (const phase of options.phases ?? PHASES) figures.set(phase, await runPhase(target, phase, options));
  } finally {
    await target.close();
  }
  return figures;
}

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const pings = (f: PhaseFigures) => `${ms(percentile(f.pings.latencies, 50))} / ${ms(percentile(f.pings.latencies, 99))} / ${ms(Math.max(...f.pings.latencies))}`;
const closes = (flood: FloodReport | undefined) =>
  flood ? `${flood.sent} sent, closes ${Object.entries(flood.closes).map(([code, n]) => `${code}×${n}`).join(" ") || "none"}` : "";

export async function fairnessBench(options: FairnessOptions): Promise<void> {
  const baseline = await measure(await baselineTarget(options), options);
  const hub = await measure(await hubTarget(options), options);

  console.log(`\nCanopy fairness benchmark: phases of ${options.phaseMs} ms, healthy tenant pinged every 50 ms (node ${process.version})\n`);
  const rows = [["phase", "hub: API ping p50 / p99 / max", "bare ws: ping p50 / p99 / max", "p99 ratio", "hub event loop p99 / max", "bare ws event loop p99 / max", "hub log", "pings (failed)"]];
  const phases = options.phases ?? PHASES;
  for (const phase of phases) {
    const h = hub.get(phase)!;
    const b = baseline.get(phase)!;
    rows.push([
      phase,
      `${pings(h)} ms`,
      `${pings(b)} ms`,
      (percentile(h.pings.latencies, 99) / percentile(b.pings.latencies, 99)).toFixed(1),
      `${ms(h.eventLoop.p99)} / ${ms(h.eventLoop.max)} ms`,
      `${ms(b.eventLoop.p99)} / ${ms(b.eventLoop.max)} ms`,
      `${(h.logBytes / 1024).toFixed(0)} KiB`,
      `${h.pings.latencies.length} (${h.pings.failures})`,
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
  console.log("");
  for (const phase of phases) {
    const h = hub.get(phase)!;
    const detail = [closes(h.flood), h.note, h.pings.linkRtts.length ? `link RTT p99 ${ms(percentile(h.pings.linkRtts, 99))} ms` : ""].filter(Boolean).join("; ");
    if (phase !== "idle") console.log(`${phase}: ${detail}; bare ws: ${closes(baseline.get(phase)!.flood) || "-"}`);
  }
  console.log("(event-loop delay: lateness beyond the probe's 5 ms sampling interval, in the server process itself)");
}
