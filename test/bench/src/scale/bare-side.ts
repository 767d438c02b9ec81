// The baseline half of the scale suite: the same message patterns as the hub's scenarios, between
// `fanout-server.ts` (bare `ws`, its own process, probed like the hub) and bare clients in the
// same fleet processes as the agents, in the same run.
import { fileURLToPath } from "node:url";
import { percentile, settledRss, startServer, type Server } from "../processes.js";
import type { FleetPool } from "./fleet-pool.js";
import { measure, PROBED, type Measured } from "./measured-server.js";
import type { ScaleOptions } from "./scale-options.js";

const FANOUT_SERVER = fileURLToPath(new URL("../../dist/scale/fanout-server.js", import.meta.url));

export interface BareFigures {
  idleRss: number;
  pairing?: Measured<{ msPerPair: number }>;
  connected?: Measured<{ rss: number }>;
  restart?: Measured<{ open: number }>;
  pingAll?: Measured<{ ms: number }>;
  singlePing?: Measured<{ rttP50: number; httpP50: number }>;
  playbook?: Measured<{ ms: number; acks: number }>;
  rules?: Measured<{ ms: number }>;
  httpGet: { p50: number; p95: number };
}

async function post<R>(url: string, body: string | Buffer = "{}"): Promise<R> {
  const res = await fetch(url, { method: "POST", body });
  if (!res.ok) throw new Error(`POST ${url}: ${res.status}`);
  return (await res.json()) as R;
}

/** `count` calls of `one(i)`, `concurrency` in flight. */
export async function concurrently(count: number, concurrency: number, one: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, async () => {
    while (next < count) await one(next++);
  }));
}

export async function bareSide(options: ScaleOptions, pool: FleetPool, payloads: { playbook: string; ruleBatches: string[] }): Promise<BareFigures> {
  const want = new Set(options.scenarios);
  let server: Server = await startServer(FANOUT_SERVER, [], { nodeArgs: PROBED, ipc: true });
  const current = () => server.child;
  const N = options.agents;
  try {
    const idleRss = await settledRss(server.child.pid!);
    const figures: BareFigures = { idleRss, httpGet: { p50: 0, p95: 0 } };
    const gets: number[] = [];
    for (let i = 0; i < 10; i++) await (await fetch(server.url)).text(); // warm: the hub's figure is taken warm too
    for (let i = 0; i < 40; i++) {
      const t0 = performance.now();
      await (await fetch(server.url)).text();
      gets.push(performance.now() - t0);
    }
    figures.httpGet = { p50: percentile(gets, 50), p95: percentile(gets, 95) };
    if (want.has("P0")) {
      figures.pairing = await measure(current, async () => {
        const started = performance.now();
        await pool.all((k) => ({ cmd: "bare-pair-pattern", url: server.url, count: pool.shares(N)[k]!.count, concurrency: Math.max(1, Math.ceil(options.pairConcurrency / pool.fleets.length)) }));
        return { msPerPair: (performance.now() - started) / N };
      });
    }
    figures.connected = await measure(current, async () => {
      await pool.all((k) => ({ cmd: "bare-connect", url: server.url, ...pool.shares(N)[k]! }));
      return { rss: await settledRss(server.child.pid!) };
    });
    if (want.has("P5")) {
      const port = Number(new URL(server.url).port);
      figures.restart = await measure(current, async () => {
        await server.stop();
        server = await startServer(FANOUT_SERVER, [String(port)], { nodeArgs: PROBED, ipc: true });
        const open = await pool.all<{ open: number }>((k) => ({ cmd: "bare-await-open", count: pool.shares(N)[k]!.count, timeoutMs: options.timeoutMs }));
        return { open: open.reduce((a, b) => a + b.open, 0) };
      });
    }
    if (want.has("P4")) {
      figures.pingAll = await measure(current, async () => {
        const started = performance.now();
        await concurrently(N, options.pingConcurrency, async (i) => void (await post(`${server.url}/ping?i=${i}`)));
        return { ms: performance.now() - started };
      });
      figures.singlePing = await measure(current, async () => {
        const rtts: number[] = [];
        const https: number[] = [];
        for (let i = 0; i < options.singlePings; i++) {
          const t0 = performance.now();
          const { rttMs } = await post<{ rttMs: number }>(`${server.url}/ping?i=${i % N}`);
          https.push(performance.now() - t0);
          rtts.push(rttMs);
        }
        return { rttP50: percentile(rtts, 50), httpP50: percentile(https, 50) };
      });
    }
    if (want.has("P2")) {
      figures.playbook = await measure(current, async () => {
        const started = performance.now();
        const { acks } = await post<{ acks: number }>(`${server.url}/fanout`, payloads.playbook);
        return { ms: performance.now() - started, acks };
      });
    }
    if (want.has("P3")) {
      figures.rules = await measure(current, async () => {
        const started = performance.now();
        for (const batch of payloads.ruleBatches) await post(`${server.url}/fanout?to=${Math.min(options.ruleTenants, N)}`, batch);
        return { ms: performance.now() - started };
      });
    }
    await pool.all({ cmd: "bare-close" });
    return figures;
  } finally {
    await server.stop();
  }
}
