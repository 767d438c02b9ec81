// The scale suite's output: one row per figure (Canopy, bare ws, ratio, target, the hub's CPU
// seconds against wall time, its event-loop delay), printed as a table and kept as JSON in
// test/bench/results/ so that runs can be compared.
import { mkdir, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Measured } from "./measured-server.js";
import type { ScaleRun } from "./scale.js";

export interface Row {
  scenario: string;
  figure: string;
  canopy: string;
  bare: string;
  ratio: number | null;
  target: string;
  /** Whether the target was met (null: no target, or not measured). */
  met: boolean | null;
  hubCpuS: number | null;
  /** The fleets' CPU seconds over the same scenario (hub side only). */
  agentsCpuS: number | null;
  wallS: number | null;
  /** The hub's event-loop delay over the scenario: p99 / max ms. */
  loop: string;
}

const MiB = 1024 * 1024;
const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 0)} ms`;
const s = (v: number) => `${v.toFixed(1)} s`;
const mib = (v: number) => `${(v / MiB).toFixed(1)} MiB`;

function row(scenario: string, figure: string, hub: Measured<unknown> | undefined, canopy: string, bare: string, ratio: number | null, target: string, met: boolean | null): Row {
  return {
    scenario,
    figure,
    canopy,
    bare,
    ratio: ratio === null || !Number.isFinite(ratio) ? null : Number(ratio.toFixed(2)),
    target,
    met,
    hubCpuS: hub ? Number(hub.cpuS.toFixed(2)) : null,
    agentsCpuS: hub?.agentsCpuS !== undefined ? Number(hub.agentsCpuS.toFixed(2)) : null,
    wallS: hub ? Number(hub.wallS.toFixed(2)) : null,
    loop: hub ? `${hub.loop.p99.toFixed(1)} / ${hub.loop.max.toFixed(1)} ms` : "",
  };
}

export function rowsOf(run: ScaleRun): Row[] {
  const rows: Row[] = [];
  const { hub, bare, insights } = run;
  const N = run.options.agents;
  const want = new Set(run.options.scenarios);
  if (hub && bare) {
    const p = hub.pairing;
    if (p && want.has("P0")) {
      const flat = p.value.lastWindowCpuMsPerPair / p.value.firstWindowCpuMsPerPair;
      rows.push(row("P0", `pair ${N} (tenant, code, pair, connect)`, p, `${ms(p.value.msPerPair)}/pair`, bare.pairing ? `${ms(bare.pairing.value.msPerPair)}/pair` : "-", bare.pairing ? p.value.msPerPair / bare.pairing.value.msPerPair : null, "", null));
      rows.push(row("P0", "hub CPU per pair, last ÷ first tenth", undefined, `${p.value.firstWindowCpuMsPerPair.toFixed(2)} → ${p.value.lastWindowCpuMsPerPair.toFixed(2)} ms`, "-", flat, "flat: ≤ 1.5", Number.isFinite(flat) ? flat <= 1.5 : null));
      rows.push(row("P0", `hub RSS once ${N} paired`, undefined, mib(p.value.rss), "-", null, "", null));
    }
    if (want.has("P1")) {
      const c = hub.connected.value.rss;
      const b = bare.connected!.value.rss;
      rows.push(row("P1", `hub RSS, ${N} agents connected`, hub.connected, mib(c), mib(b), c / b, "≤ 300 MiB", c <= 300 * MiB));
      // From the empty hub's RSS: includes each agent's tenant and agent records (RSS does not
      // fall back when agents leave, so "connected − left" says nothing); the heap row is exact.
      const per = (c - hub.idleRss) / N;
      const barePer = (b - bare.idleRss) / N;
      rows.push(row("P1", "RSS growth per agent (from the empty hub)", undefined, `${(per / 1024).toFixed(1)} KiB`, `${(barePer / 1024).toFixed(1)} KiB`, per / barePer, "", null));
      rows.push(row("P1", "heap per connection after GC", undefined, `${((hub.memory.connectedHeap - hub.memory.leftHeap) / N / 1024).toFixed(1)} KiB`, "-", null, "", null));
    }
    const pb = hub.playbook;
    if (pb && bare.playbook) {
      const v = pb.value;
      rows.push(row("P2", `4 KB playbook → ${N}, acks persisted`, pb, ms(v.ms), ms(bare.playbook.value.ms), v.ms / bare.playbook.value.ms, "ratio ≤ 1.5", v.ms / bare.playbook.value.ms <= 1.5));
      rows.push(row("P2", "acks persisted / hashes matched", undefined, `${v.settled}/${v.expected} / ${v.hashes.matched}/${v.expected}`, `${bare.playbook.value.acks}/${N} acks`, null, "all", v.settled === v.expected && v.hashes.matched === v.expected));
    }
    const rl = hub.rules;
    if (rl && bare.rules) {
      const v = rl.value;
      const tenants = Math.min(run.options.ruleTenants, N);
      rows.push(row("P3", `${v.rules} Sigma rules → ${tenants} tenants (${v.rules * tenants} item×tenant)`, rl, s(v.ms / 1000), s(bare.rules.value.ms / 1000), v.ms / bare.rules.value.ms, "≤ 60 s", v.ms <= 60_000));
      rows.push(row("P3", "results persisted / hashes matched", undefined, `${v.settled}/${v.expected} / ${v.hashes.matched}/${v.expected}`, "-", null, "all", v.settled === v.expected && v.hashes.matched === v.expected));
    }
    if (hub.pingAll && bare.pingAll) {
      const r = hub.pingAll.value.ms / bare.pingAll.value.ms;
      rows.push(row("P4", `ping all ${N} (${run.options.pingConcurrency} in flight, HTTP)`, hub.pingAll, ms(hub.pingAll.value.ms), ms(bare.pingAll.value.ms), r, "ratio ≤ 1.5", r <= 1.5));
    }
    if (hub.singlePing && bare.singlePing) {
      const r = hub.singlePing.value.rttP50 / bare.singlePing.value.rttP50;
      rows.push(row("P4", "single ping RTT p50 (server's own timing)", hub.singlePing, ms(hub.singlePing.value.rttP50), ms(bare.singlePing.value.rttP50), r, "ratio ≤ 1.5", r <= 1.5));
      rows.push(row("P4", "single ping over HTTP p50", undefined, ms(hub.singlePing.value.httpP50), ms(bare.singlePing.value.httpP50), hub.singlePing.value.httpP50 / bare.singlePing.value.httpP50, "", null));
    }
    if (hub.restart && bare.restart) {
      const v = hub.restart.value;
      rows.push(row("P5", `restart → all ${N} back`, hub.restart, `${s(hub.restart.wallS)} (${v.online} online, ${v.gaveUp} gave up)`, `${s(bare.restart.wallS)} (${bare.restart.value.open})`, hub.restart.wallS / bare.restart.wallS, "≤ 30 s, none gives up", hub.restart.wallS <= 30 && v.gaveUp === 0 && v.online === N));
      rows.push(row("P5", `… of it the hub's graceful stop with ${N} connected`, undefined, ms(v.stopMs), "-", null, "", null));
      rows.push(row("P5", "agents back after (50 / 90 / 100 %)", undefined, `${s(v.backAt.p50 / 1000)} / ${s(v.backAt.p90 / 1000)} / ${s(v.backAt.max / 1000)}`, "-", null, "", null));
      const closes = Object.entries(v.closesByCode).map(([code, n]) => `${code}×${n}`).join(" ") || "none";
      rows.push(row("P5", "refusals on the way back (close code × n); retry delay p50 / p90 / max", undefined, `${closes}; ${ms(v.retryDelay.p50)} / ${ms(v.retryDelay.p90)} / ${ms(v.retryDelay.max)}`, "-", null, "", null));
    }
    if (want.has("P7")) {
      const scenarios: [string, Measured<unknown> | undefined][] = [["P0", hub.pairing], ["P2", hub.playbook], ["P3", hub.rules], ["P4", hub.pingAll], ["P5", hub.restart]];
      for (const [id, m] of scenarios) {
        if (m) rows.push(row("P7", `hub event-loop max during ${id}`, m, ms(m.loop.max), "-", null, "≤ 25 ms", m.loop.max <= 25));
      }
      if (hub.idleAgent !== undefined) {
        rows.push(row("P7", "idle `canopy-agent run` RSS", undefined, mib(hub.idleAgent.rss), "-", null, "≤ 60 MiB", hub.idleAgent.rss <= 60 * MiB));
        rows.push(row("P7", "… of it private (not Node's shared pages)", undefined, mib(hub.idleAgent.private), "-", null, "", null));
      }
      if (hub.pairing) rows.push(row("P7", "one agent in a fleet process: heap after GC", undefined, `${(hub.pairing.value.agentHeap / 1024).toFixed(1)} KiB`, "-", null, "", null));
    }
    const m = hub.memory;
    const retained = m.leftAgainHeap - m.leftHeap;
    rows.push(row("mem", "hub heap after GC: left / all back / left again", undefined, `${mib(m.leftHeap)} / ${mib(m.connectedHeap)} / ${mib(m.leftAgainHeap)}`, "-", null, "returned", retained < 0.5 * (m.connectedHeap - m.leftHeap)));
  }
  if (insights) {
    rows.push(row("P6", `hub start holding ${insights.insights} insights → listening`, undefined, s(insights.listenMs / 1000), "-", null, "≤ 10 s", insights.listenMs <= 10_000));
    rows.push(row("P6", "hub RSS once listening", undefined, mib(insights.rssListening), "-", null, "≤ 1 GiB", insights.rssListening <= 1024 * MiB));
    rows.push(row("P6", "… indexed in the background after; RSS then (peak)", undefined, `${s(insights.indexedMs / 1000)}; ${mib(insights.rss)} (${mib(insights.peakRss)})`, "-", null, "≤ 1 GiB", insights.peakRss <= 1024 * MiB));
    rows.push(row("P6", "… hub event-loop max while it indexed", undefined, ms(insights.loopMaxMs), "-", null, "≤ 25 ms", insights.loopMaxMs <= 25));
    const bareP95 = bare?.httpGet.p95;
    rows.push(row("P6", "GET /insights page p95", undefined, ms(insights.pageP95Ms), bareP95 ? `${ms(bareP95)} (bare HTTP)` : "-", bareP95 ? insights.pageP95Ms / bareP95 : null, "≤ 50 ms", insights.pageP95Ms <= 50));
  }
  return rows;
}

export function printTable(run: ScaleRun, rows: Row[]): void {
  const head = ["", "figure", "canopy", "bare ws", "ratio", "target", "met", "CPU s: hub / agents / wall", "hub loop p99 / max"];
  const cpu = (r: Row) => (r.hubCpuS === null ? "" : `${r.hubCpuS.toFixed(1)} / ${r.agentsCpuS === null ? "-" : r.agentsCpuS.toFixed(1)} / ${r.wallS!.toFixed(1)}`);
  const cells = rows.map((r) => [r.scenario, r.figure, r.canopy, r.bare, r.ratio === null ? "-" : r.ratio.toFixed(2), r.target, r.met === null ? "" : r.met ? "yes" : "NO", cpu(r), r.loop]);
  const all = [head, ...cells];
  const widths = head.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  const m = run.machine;
  console.log(`\nCanopy scale suite: ${run.options.agents} agents, ${m.cpus} × ${m.cpuModel}, ${(m.memoryBytes / 1024 ** 3).toFixed(1)} GiB, node ${m.node}, load average ${m.loadAverageAtStart.map((l) => l.toFixed(2)).join(" ")} → ${m.loadAverageAtEnd.map((l) => l.toFixed(2)).join(" ")}, ${run.durationS.toFixed(0)} s\n`);
  for (const r of all) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd());
}

/** Writes `results/scale-<time>.json`; returns its path. */
export async function saveRun(run: ScaleRun, rows: Row[]): Promise<string> {
  const dir = fileURLToPath(new URL("../../results/", import.meta.url));
  await mkdir(dir, { recursive: true });
  const path = `${dir}scale-${run.startedAt.replace(/[:.]/g, "-")}.json`;
  await writeFile(path, `${JSON.stringify({ ...run, rows }, null, 2)}\n`);
  return path;
}
