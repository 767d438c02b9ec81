// `npm run bench [-- scale --agents N --scenarios P1,P4]`: the scale suite (scale/scale.ts), the
// default. `npm run bench -- link [--agents N]`: the hub with N real agents against a bare-`ws`
// echo server with N bare clients, in the same run on the same machine. Prints figures and
// ratios; asserts nothing.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createAgent, pairAgent } from "@canopy/agent";
import WebSocket from "ws";
import { signIn, startBenchHub } from "./bench-hub.js";
import { mib, percentile, rssOf, settledRss, startServer } from "./processes.js";
import { DEFAULT_FAIRNESS_BENCH, fairnessBench, PHASES } from "./fairness.js";
import type { Phase } from "./fairness-targets.js";
import { DEFAULT_INSIGHT_BENCH, insightsBench } from "./insights.js";
import { DEFAULT_PAIRING_BENCH, pairingBench } from "./pairing.js";
import { pushBench } from "./push.js";
import { printTable, rowsOf, saveRun } from "./scale/report.js";
import { runScale } from "./scale/scale.js";
import { DEFAULT_SCALE, SCENARIOS, type ScaleOptions, type ScenarioId } from "./scale/scale-options.js";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  // pnpm may pass a literal `--` through; it is not an end of options here.
  args: process.argv.slice(2).filter((arg) => arg !== "--"),
  options: {
    // scale (the default): see scale/scale-options.ts
    scenarios: { type: "string", default: SCENARIOS.join(",") },
    fleets: { type: "string", default: String(DEFAULT_SCALE.fleets) },
    "rule-tenants": { type: "string", default: String(DEFAULT_SCALE.ruleTenants) },
    "insight-tenants": { type: "string", default: String(DEFAULT_SCALE.insightTenants) },
    "per-tenant": { type: "string", default: String(DEFAULT_SCALE.insightsPerTenant) },
    "reconnect-max-ms": { type: "string" },
    agents: { type: "string", default: "100" },
    pings: { type: "string", default: "200" },
    // fairness
    "phase-ms": { type: "string", default: String(DEFAULT_FAIRNESS_BENCH.phaseMs) },
    tenants: { type: "string", default: String(DEFAULT_FAIRNESS_BENCH.tenants) },
    rules: { type: "string", default: String(DEFAULT_FAIRNESS_BENCH.rules) },
    phases: { type: "string", default: PHASES.join(",") },
    "hub-cpu-prof": { type: "string" },
    // pairing
    window: { type: "string", default: String(DEFAULT_PAIRING_BENCH.window) },
    store: { type: "string", default: "embedded" },
    "admin-url": { type: "string" },
  },
});
// `npm run bench` runs the scale suite; `npm run bench -- link`, `-- push`, `-- insights`, `-- fairness` or `-- pairing` runs one of the others.
const only = positionals[0] ?? "scale";
if (only === "scale") {
  const scenarios = values.scenarios.split(",").map((id) => id.trim().toUpperCase());
  const unknown = scenarios.filter((id) => !(SCENARIOS as readonly string[]).includes(id));
  if (unknown.length > 0) throw new Error(`--scenarios: unknown ${unknown.join(", ")} (P0–P7)`);
  const given = (name: string) => process.argv.includes(`--${name}`);
  const options: ScaleOptions = {
    ...DEFAULT_SCALE,
    agents: given("agents") ? Number(values.agents) : DEFAULT_SCALE.agents,
    scenarios: scenarios as ScenarioId[],
    fleets: Number(values.fleets),
    ruleTenants: Number(values["rule-tenants"]),
    rules: given("rules") ? Number(values.rules) : DEFAULT_SCALE.rules,
    singlePings: given("pings") ? Number(values.pings) : DEFAULT_SCALE.singlePings,
    insightTenants: Number(values["insight-tenants"]),
    insightsPerTenant: Number(values["per-tenant"]),
    reconnectMaxMs: values["reconnect-max-ms"] ? Number(values["reconnect-max-ms"]) : undefined,
  };
  const run = await runScale(options);
  const rows = rowsOf(run);
  printTable(run, rows);
  console.log(`\nresults: ${await saveRun(run, rows)}`);
  process.exit(0);
}
const AGENTS = Number(values.agents);
const PINGS = Number(values.pings);
/** `--agents` (or `--tenants`) for the pairing bench; its own default when neither is given. */
function positionalsAgents(): number {
  const given = process.argv.find((arg) => arg === "--agents" || arg === "--tenants");
  return given ? Number(given === "--agents" ? values.agents : values.tenants) : DEFAULT_PAIRING_BENCH.tenants;
}
const baselineScript = fileURLToPath(new URL("./baseline-server.js", import.meta.url));

async function baseline() {
  const server = await startServer(baselineScript, []);
  const idle = await settledRss(server.child.pid!);
  const wsUrl = server.url.replace("http", "ws");
  const clients = await Promise.all(
    Array.from({ length: AGENTS }, () => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(wsUrl);
      ws.once("open", () => resolve(ws));
      ws.once("error", reject);
    })),
  );
  const loaded = await settledRss(server.child.pid!);
  const rtts: number[] = [];
  for (let i = 0; i < PINGS; i++) {
    const ws = clients[i % clients.length]!;
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      ws.once("message", () => resolve());
      ws.send(JSON.stringify({ type: "ping", id: String(i), sentAt: Date.now() }));
    });
    rtts.push(performance.now() - t0);
  }
  for (const ws of clients) ws.terminate();
  await server.stop();
  return { idle, loaded, rtts };
}

async function canopy() {
  const dir = await mkdtemp(join(tmpdir(), "canopy-bench-"));
  let hub = await startBenchHub(dir);
  const idle = await settledRss(hub.child.pid!);
  const api = await signIn(hub.url);

  const agents: ReturnType<typeof createAgent>[] = [];
  const tenantIds: string[] = [];
  const pairOne = async (i: number) => {
    const tenant = await api<{ id: string }>("POST", "/tenants", { name: `Bench tenant ${i}` });
    const { code } = await api<{ code: string }>("POST", `/tenants/${tenant.id}/pairing-codes`, {});
    const dataDir = join(dir, `agent-${i}`);
    await pairAgent({ hubUrl: hub.url, code, dataDir });
    const agent = createAgent({ dataDir, reconnectMaxMs: 2000 });
    await agent.start();
    await agent.waitFor("online", 30_000);
    agents.push(agent);
    tenantIds.push(tenant.id);
  };

  const t20 = performance.now();
  await Promise.all(Array.from({ length: Math.min(20, AGENTS) }, (_, i) => pairOne(i)));
  const pair20Ms = performance.now() - t20;
  // When each batch of 20 ended: pairing throughput early vs late in the run (a store whose
  // writes grow with the MSSP slows down as it goes).
  const batchEnds = [{ paired: Math.min(20, AGENTS), at: performance.now() }];
  for (let start = 20; start < AGENTS; start += 20) {
    await Promise.all(Array.from({ length: Math.min(20, AGENTS - start) }, (_, i) => pairOne(start + i)));
    batchEnds.push({ paired: Math.min(start + 20, AGENTS), at: performance.now() });
    if (batchEnds.length % 50 === 0) console.log(`paired ${start + 20}: ${pairsPerMinute(batchEnds, 10).toFixed(0)} pairs/min over the last 200, hub RSS ${mib(rssOf(hub.child.pid!))}`);
  }
  const span = Math.max(1, Math.min(10, Math.floor(batchEnds.length / 5)));
  const pairingRate = { early: pairsPerMinute(batchEnds.slice(0, span + 1), span), late: pairsPerMinute(batchEnds, span), pairs: span * 20 };
  const pairedRss = await settledRss(hub.child.pid!);
  const listed = await api<{ items: { status: string }[] }>("GET", `/tenants?limit=${Math.min(AGENTS, 100)}`);
  const online = listed.items.filter((t) => t.status === "online").length;

  // Memory with every agent connected, measured on a restarted hub that the agents rejoined by
  // themselves, so the pairing API's garbage is not counted as connection cost.
  const port = Number(new URL(hub.url).port);
  await hub.stop();
  const restartedAt = performance.now();
  hub = await startBenchHub(dir, port);
  await Promise.all(agents.map((a) => a.waitFor("online", 60_000)));
  const rejoinMs = performance.now() - restartedAt;
  const loaded = await settledRss(hub.child.pid!);
  const agentRtts: number[] = [];
  const apiRtts: number[] = [];
  for (let i = 0; i < PINGS; i++) {
    const t0 = performance.now();
    const { rttMs } = await api<{ rttMs: number }>("POST", `/tenants/${tenantIds[i % tenantIds.length]}/ping`, {});
    apiRtts.push(performance.now() - t0);
    agentRtts.push(rttMs);
  }
  await Promise.all(agents.map((a) => a.stop()));
  await hub.stop();
  await rm(dir, { recursive: true, force: true });
  return { idle, loaded, pair20Ms, rejoinMs, online, agentRtts, apiRtts, pairingRate, pairedRss };
}

/** Pairs per minute over the last `batches` batches of `ends` (each entry: pairs done by then, and when). */
function pairsPerMinute(ends: { paired: number; at: number }[], batches: number): number {
  const last = ends[ends.length - 1]!;
  const first = ends[Math.max(0, ends.length - 1 - batches)]!;
  return first === last ? 0 : ((last.paired - first.paired) / (last.at - first.at)) * 60_000;
}

if (only === "insights") {
  await insightsBench(DEFAULT_INSIGHT_BENCH);
  process.exit(0);
}
if (only === "fairness") {
  const phases = values.phases.split(",").filter((p): p is Phase => (PHASES as readonly string[]).includes(p));
  await fairnessBench({ phaseMs: Number(values["phase-ms"]), tenants: Number(values.tenants), rules: Number(values.rules), phases, cpuProfDir: values["hub-cpu-prof"] });
  process.exit(0);
}
if (only === "pairing") {
  const tenants = positionalsAgents();
  if (values.store !== "embedded" && values.store !== "postgres") throw new Error(`--store must be embedded or postgres, not ${values.store}`);
  await pairingBench({ ...DEFAULT_PAIRING_BENCH, tenants, window: Number(values.window), postgres: values.store === "postgres", adminUrl: values["admin-url"] });
  process.exit(0);
}
if (only === "push") {
  if (values.store !== "embedded" && values.store !== "postgres") throw new Error(`--store must be embedded or postgres, not ${values.store}`);
  await pushBench({ postgres: values.store === "postgres", adminUrl: values["admin-url"] });
  process.exit(0);
}
const base = await baseline();
const hub = await canopy();
const p50 = (v: number[]) => percentile(v, 50);
const p95 = (v: number[]) => percentile(v, 95);
const perConn = (loaded: number, idle: number) => (loaded - idle) / AGENTS;

console.log(`\nCanopy benchmark: ${AGENTS} agents, ${PINGS} pings (node ${process.version})\n`);
console.log(`pair 20 agents (tenant + code + pair + connect, concurrently): ${hub.pair20Ms.toFixed(0)} ms`);
console.log(`pairing 20 at a time: ${hub.pairingRate.early.toFixed(0)} pairs/min over the first ${hub.pairingRate.pairs} after the first 20, ${hub.pairingRate.late.toFixed(0)} pairs/min over the last ${hub.pairingRate.pairs}; hub RSS once all ${AGENTS} paired: ${mib(hub.pairedRss)}`);
console.log(`hub restart → all ${AGENTS} agents back online: ${hub.rejoinMs.toFixed(0)} ms`);
console.log(`agents online after pairing: ${hub.online}/${Math.min(AGENTS, 100)} listed\n`);
const rows = [
  ["figure", "canopy hub", "bare ws", "ratio"],
  ["ping RTT p50 (hub→agent→hub)", `${p50(hub.agentRtts).toFixed(3)} ms`, `${p50(base.rtts).toFixed(3)} ms`, (p50(hub.agentRtts) / p50(base.rtts)).toFixed(2)],
  ["ping RTT p95", `${p95(hub.agentRtts).toFixed(3)} ms`, `${p95(base.rtts).toFixed(3)} ms`, (p95(hub.agentRtts) / p95(base.rtts)).toFixed(2)],
  ["POST /ping via HTTP p50", `${p50(hub.apiRtts).toFixed(3)} ms`, "-", "-"],
  ["RSS idle", mib(hub.idle), mib(base.idle), (hub.idle / base.idle).toFixed(2)],
  [`RSS with ${AGENTS} connected`, mib(hub.loaded), mib(base.loaded), (hub.loaded / base.loaded).toFixed(2)],
  ["RSS growth per connection", `${(perConn(hub.loaded, hub.idle) / 1024).toFixed(1)} KiB`, `${(perConn(base.loaded, base.idle) / 1024).toFixed(1)} KiB`, "-"],
];
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
process.exit(0);
