// The hub half of the scale suite: `canopy-hub` as its own process (probed: event-loop delay,
// heap after GC), the agents in the fleet processes, each scenario measured as the hub's wall
// time, its own CPU seconds and its event-loop delay.
import type { ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signIn, startBenchHub, type HubApi } from "../bench-hub.js";
import { cpuMsOf, mib, percentile, settledRss, type Server } from "../processes.js";
import { timePush, type PushSummary } from "../push.js";
import { idleAgentMemory, type IdleAgentMemory } from "./agent-process.js";
import { concurrently } from "./bare-side.js";
import type { FleetPool } from "./fleet-pool.js";
import type { FleetUsage, HashCheck, PairedTenant } from "./fleet-protocol.js";
import { measure, PROBED, settledHeap, type Measured } from "./measured-server.js";
import type { ScaleOptions } from "./scale-options.js";

export interface PushCheck {
  ms: number;
  state: string;
  progress: PushSummary["progress"] & { unchanged?: number };
  /** Per-tenant results the hub recorded (GET /pushes/:id): applied or unchanged, out of expected. */
  settled: number;
  expected: number;
  hashes: HashCheck;
}

/** P5: all back, none gave up; how the storm spread (when agents came back, what refused them, how long they waited). */
export interface RestartFigures {
  online: number;
  gaveUp: number;
  stopMs: number;
  /** Time after the restart began by which 50 / 90 / 100 % of the agents were back. */
  backAt: { p50: number; p90: number; max: number };
  /** Connections that ended or failed on the way back, by close code (1006: refused / cut). */
  closesByCode: Record<string, number>;
  /** The retry delays the agents chose meanwhile, p50 / p90 / max. */
  retryDelay: { p50: number; p90: number; max: number };
}

type FleetRestart = { online: number; gaveUp: number; backAtMs: number[]; closesByCode: Record<string, number>; retryDelays: number[] };

function restartFigures(back: FleetRestart[], stopMs: number): RestartFigures {
  const times = back.flatMap((b) => b.backAtMs);
  const delays = back.flatMap((b) => b.retryDelays);
  const closesByCode: Record<string, number> = {};
  for (const b of back) for (const [code, n] of Object.entries(b.closesByCode)) closesByCode[code] = (closesByCode[code] ?? 0) + n;
  const spread = (values: number[]) => ({ p50: Math.round(percentile(values, 50)), p90: Math.round(percentile(values, 90)), max: Math.round(Math.max(0, ...values)) });
  return {
    online: back.reduce((a, b) => a + b.online, 0),
    gaveUp: back.reduce((a, b) => a + b.gaveUp, 0),
    stopMs,
    backAt: spread(times),
    closesByCode,
    retryDelay: spread(delays),
  };
}

export interface HubFigures {
  idleRss: number;
  pairing?: Measured<{ msPerPair: number; hubCpuMsPerPair: number; firstWindowCpuMsPerPair: number; lastWindowCpuMsPerPair: number; rss: number; agentHeap: number }>;
  /** P5; `stopMs`: the old hub's graceful stop with every agent connected (part of the wall time). */
  restart?: Measured<RestartFigures>;
  connected: Measured<{ rss: number }>;
  /** P7: one `canopy-agent run` process, connected and idle. */
  idleAgent?: IdleAgentMemory;
  pingAll?: Measured<{ ms: number; answered: number }>;
  singlePing?: Measured<{ rttP50: number; httpP50: number }>;
  playbook?: Measured<PushCheck>;
  rules?: Measured<PushCheck & { rules: number; refused: number }>;
  /** Heap after GC with no agent, with all back, and after they left again; RSS beside. */
  memory: { leftHeap: number; connectedHeap: number; leftAgainHeap: number; leftRss: number; connectedRss: number; leftAgainRss: number; online: number };
}

async function waitPush(api: HubApi, items: { kind: string; id: string }[], targets: unknown, expected: Record<string, string>, tenantIds: string[], pool: FleetPool, timeoutMs: number): Promise<PushCheck> {
  const { ms, push } = await timePush({ api }, items, targets, { timeoutMs });
  const record = await api<{ state: string; progress: PushCheck["progress"]; results: { tenantId: string; status: string }[] }>("GET", `/pushes/${push.id}`);
  const settled = record.results.filter((r) => r.status === "applied" || r.status === "unchanged").length;
  const hashes = await pool.verifyHashes(tenantIds, expected);
  return { ms, state: record.state, progress: record.progress, settled, expected: items.length * tenantIds.length, hashes };
}

/** What one in-process agent costs its fleet: heap after GC (RSS keeps what the bare clients used before). */
/** Polls the tenant list (`status=online`) until it is empty; a deadline, not a fixed wait. */
async function waitUntilNoneOnline(api: HubApi, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { items } = await api<{ items: unknown[] }>("GET", "/tenants?status=online&limit=1");
    if (items.length === 0) return;
    if (performance.now() > deadline) throw new Error(`tenants still online ${timeoutMs / 1000} s after every agent left`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** One line per scenario as it ends: a long run that fails later still showed what it measured. */
function said<T>(id: string, m: Measured<T>): Measured<T> {
  console.log(`  ${id}: ${m.wallS.toFixed(1)} s wall, hub ${m.cpuS.toFixed(1)} CPU s, loop p99/max ${m.loop.p99.toFixed(0)}/${m.loop.max.toFixed(0)} ms, ${JSON.stringify(m.value).slice(0, 300)}`);
  return m;
}

/** `measure`, with the CPU seconds the agents' side (every fleet process) spent meanwhile. */
async function measureBoth<T>(pool: FleetPool, server: () => ChildProcess, body: () => Promise<T>): Promise<Measured<T>> {
  const before = pool.cpuMs();
  const measured = await measure(server, body);
  return { ...measured, agentsCpuS: (pool.cpuMs() - before) / 1000 };
}

function agentHeapOf(before: FleetUsage[], after: FleetUsage[]): number {
  const agents = after.reduce((a, u) => a + u.agents, 0);
  const grown = after.reduce((a, u, k) => a + u.heapUsed - before[k]!.heapUsed, 0);
  return agents ? grown / agents : 0;
}

export async function hubSide(options: ScaleOptions, pool: FleetPool, payloads: { playbook: string; sigmaFiles: { name: string; text: string }[] }): Promise<HubFigures> {
  const want = new Set(options.scenarios);
  const N = options.agents;
  const dir = await mkdtemp(join(tmpdir(), "canopy-bench-scale-"));
  let hub: Server = await startBenchHub(dir, 0, { nodeArgs: PROBED, ipc: true });
  const current = () => hub.child;
  try {
    const idleRss = await settledRss(hub.child.pid!);
    const fleetBefore = await pool.usage();

    // P0: tenant, code, pair, connect — N times, `pairConcurrency` in flight over the fleets.
    const windowSize = Math.max(1, Math.floor(N / 10));
    const windows: { at: number; cpu: number }[] = [{ at: performance.now(), cpu: cpuMsOf(hub.child.pid!) }];
    const unsubscribe = pool.onPaired(() => {
      if (pool.paired % windowSize !== 0) return;
      windows.push({ at: performance.now(), cpu: cpuMsOf(hub.child.pid!) });
      const [last, previous] = [windows.at(-1)!, windows.at(-2)!];
      console.log(`  paired ${pool.paired}: ${((last.at - previous.at) / windowSize).toFixed(0)} ms/pair, hub CPU ${((last.cpu - previous.cpu) / windowSize).toFixed(1)} ms/pair, hub RSS ${mib(hub.rssBytes())}`);
    });
    let tenants: PairedTenant[] = [];
    const pairing = await measureBoth(pool, current, async () => {
      const started = performance.now();
      const startCpu = cpuMsOf(hub.child.pid!);
      tenants = await pool.pair({ hubUrl: hub.url, dir, total: N, concurrency: options.pairConcurrency, timeoutMs: options.timeoutMs, reconnectMaxMs: options.reconnectMaxMs });
      const cpuPer = (from: number) => (windows[from + 1]!.cpu - windows[from]!.cpu) / windowSize;
      return {
        msPerPair: (performance.now() - started) / N,
        hubCpuMsPerPair: (cpuMsOf(hub.child.pid!) - startCpu) / N,
        firstWindowCpuMsPerPair: windows.length > 1 ? cpuPer(0) : NaN,
        lastWindowCpuMsPerPair: windows.length > 1 ? cpuPer(windows.length - 2) : NaN,
        rss: hub.rssBytes(),
        agentHeap: 0,
      };
    });
    unsubscribe();
    said("P0", pairing);
    pairing.value.agentHeap = agentHeapOf(fleetBefore, await pool.usage());
    const figures: HubFigures = { idleRss, connected: undefined as never, memory: undefined as never };
    if (want.has("P0") || want.has("P7")) figures.pairing = pairing;
    const tenantIds = tenants.map((t) => t.tenantId);

    // P5: the hub restarted under N agents; also gives P1 a hub without the pairing API's garbage.
    const port = Number(new URL(hub.url).port);
    const restart = await measureBoth(pool, current, async () => {
      await pool.all({ cmd: "mark-online" });
      const stopping = performance.now();
      await hub.stop();
      const stopMs = performance.now() - stopping;
      hub = await startBenchHub(dir, port, { nodeArgs: PROBED, ipc: true });
      return restartFigures(await pool.all<FleetRestart>({ cmd: "await-online", timeoutMs: options.timeoutMs }), stopMs);
    });
    if (want.has("P5")) figures.restart = said("P5", restart);
    const hubApi = await signIn(hub.url);
    if (want.has("P7")) figures.idleAgent = await idleAgentMemory(hub.url, hubApi, dir, options.timeoutMs);

    figures.connected = said("P1", await measureBoth(pool, current, async () => ({ rss: await settledRss(hub.child.pid!) })));

    if (want.has("P4")) {
      figures.pingAll = await measureBoth(pool, current, async () => {
        const started = performance.now();
        let answered = 0;
        await concurrently(N, options.pingConcurrency, async (i) => {
          await hubApi("POST", `/tenants/${tenantIds[i]}/ping`, {});
          answered++;
        });
        return { ms: performance.now() - started, answered };
      });
      said("P4 ping all", figures.pingAll);
      figures.singlePing = await measureBoth(pool, current, async () => {
        const rtts: number[] = [];
        const https: number[] = [];
        for (let i = 0; i < options.singlePings; i++) {
          const t0 = performance.now();
          const { rttMs } = await hubApi<{ rttMs: number }>("POST", `/tenants/${tenantIds[i % N]}/ping`, {});
          https.push(performance.now() - t0);
          rtts.push(rttMs);
        }
        return { rttP50: percentile(rtts, 50), httpP50: percentile(https, 50) };
      });
      said("P4 single ping", figures.singlePing);
    }

    if (want.has("P2")) {
      const created = await hubApi<{ created: { id: string; kind: string; name: string; hash: string }[] }>("POST", "/content/import", JSON.parse(payloads.playbook));
      const item = created.created[0]!;
      figures.playbook = await measureBoth(pool, current, () =>
        waitPush(hubApi, [{ kind: "playbooks", id: item.id }], { all: true }, { [`${item.kind}:${item.name}`]: item.hash }, tenantIds, pool, options.timeoutMs),
      );
      said("P2", figures.playbook);
    }

    if (want.has("P3")) {
      const imported = await hubApi<{ created: { id: string; kind: string; name: string; hash: string }[]; refused: unknown[] }>("POST", "/content/import", { files: payloads.sigmaFiles });
      const targets = tenantIds.slice(0, Math.min(options.ruleTenants, N));
      const expected = Object.fromEntries(imported.created.map((r) => [`${r.kind}:${r.name}`, r.hash]));
      const items = imported.created.map((r) => ({ kind: "siem-rules", id: r.id }));
      const rules = await measureBoth(pool, current, () => waitPush(hubApi, items, { tenants: targets }, expected, targets, pool, options.timeoutMs));
      figures.rules = said("P3", { ...rules, value: { ...rules.value, rules: items.length, refused: imported.refused.length } });
    }

    // Memory returned: every agent leaves, comes back, leaves again; what the second round keeps
    // on the heap (after GC) is what connections leave behind. "Left" is when the hub lists no
    // tenant online, not when the agents closed: the hub may finish a session after its socket.
    const leave = async () => {
      await pool.all({ cmd: "leave" });
      await waitUntilNoneOnline(hubApi, options.timeoutMs);
    };
    await leave();
    const leftRss = await settledRss(hub.child.pid!);
    const leftHeap = await settledHeap(hub.child);
    const back = await pool.all<{ online: number }>({ cmd: "rejoin", timeoutMs: options.timeoutMs });
    const connectedRss = await settledRss(hub.child.pid!);
    const connectedHeap = await settledHeap(hub.child);
    await leave();
    const leftAgainRss = await settledRss(hub.child.pid!);
    const leftAgainHeap = await settledHeap(hub.child);
    figures.memory = { leftHeap, connectedHeap, leftAgainHeap, leftRss, connectedRss, leftAgainRss, online: back.reduce((a, b) => a + b.online, 0) };
    return figures;
  } finally {
    await hub.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
