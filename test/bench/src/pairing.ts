// `npm run bench -- pairing --tenants N [--store postgres [--admin-url URL]]`: what pairing costs the hub as the
// MSSP grows. Pairs N agents the way an MSSP does (create tenant, make a code, `canopy-agent pair`
// over the real WebSocket), in windows, and prints per window the wall time and the HUB's CPU
// time per pair and its RSS — flat costs mean the last window costs what the first did. The
// bare-`ws` baseline does the same message pattern (two HTTP requests, one WebSocket round trip)
// against an echo server in the same run.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pairAgent } from "@canopy/agent";
import WebSocket from "ws";
import { benchDatabase } from "./bench-database.js";
import { signIn, startBenchHub } from "./bench-hub.js";
import { cpuMsOf, mib, percentile, rssOf, startServer } from "./processes.js";

export interface PairingBenchOptions {
  tenants: number;
  /** Pairs per measured window. */
  window: number;
  /** Pairs in flight at once, as a script pairing a fleet would run them. */
  concurrency: number;
  /** Run the hub on PostgreSQL instead of the embedded store (a fresh database: see `benchDatabase`). */
  postgres?: boolean;
  /** With `postgres`: the server to make the database on (else CANOPY_TEST_DATABASE_URL, else a throwaway cluster). */
  adminUrl?: string | undefined;
}

export const DEFAULT_PAIRING_BENCH: PairingBenchOptions = { tenants: 1000, window: 200, concurrency: 20 };

interface Window {
  upTo: number;
  wallMsPerPair: number;
  hubCpuMsPerPair: number;
  p95Ms: number;
  rss: number;
}

async function inBatches(total: number, concurrency: number, window: number, one: (i: number) => Promise<number>, measure: (upTo: number, latencies: number[]) => void) {
  let latencies: number[] = [];
  for (let start = 0; start < total; start += concurrency) {
    const batch = await Promise.all(Array.from({ length: Math.min(concurrency, total - start) }, (_, k) => one(start + k)));
    latencies.push(...batch);
    const done = Math.min(start + concurrency, total);
    if (done % window === 0 || done === total) {
      measure(done, latencies);
      latencies = [];
    }
  }
}

async function baseline(options: PairingBenchOptions): Promise<number> {
  const server = await startServer(fileURLToPath(new URL("./baseline-server.js", import.meta.url)), []);
  const wsUrl = server.url.replace("http", "ws");
  const pairs = Math.min(options.tenants, 2000);
  const started = performance.now();
  await inBatches(
    pairs,
    options.concurrency,
    pairs,
    async () => {
      const t0 = performance.now();
      await (await fetch(server.url, { method: "POST", body: "{}" })).text();
      await (await fetch(server.url, { method: "POST", body: "{}" })).text();
      await new Promise<void>((resolve, reject) => {
        const ws = new WebSocket(wsUrl);
        ws.once("open", () => ws.send("hello"));
        ws.once("message", () => {
          ws.close();
          resolve();
        });
        ws.once("error", reject);
      });
      return performance.now() - t0;
    },
    () => {},
  );
  const perPair = (performance.now() - started) / pairs;
  await server.stop();
  return perPair;
}

export async function pairingBench(options: PairingBenchOptions): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "canopy-bench-pairing-"));
  const store = options.postgres ? "PostgreSQL" : "embedded";
  const bare = await baseline(options);
  const database = options.postgres ? await benchDatabase(options.adminUrl) : undefined;
  const hub = await startBenchHub(dir, 0, database ? { databaseUrl: database.url } : {});
  const pid = hub.child.pid!;
  const api = await signIn(hub.url);
  const windows: Window[] = [];
  let lastAt = performance.now();
  let lastCpu = cpuMsOf(pid);
  let lastUpTo = 0;
  const startedAt = performance.now();
  console.log(`\npairing ${options.tenants} agents on the ${store} store, ${options.concurrency} at a time (node ${process.version})\n`);
  console.log("paired   ms/pair (wall)  hub CPU ms/pair  pair p95   hub RSS");
  await inBatches(
    options.tenants,
    options.concurrency,
    options.window,
    async (i) => {
      const t0 = performance.now();
      const tenant = await api<{ id: string }>("POST", "/tenants", { name: `Pairing bench tenant ${String(i).padStart(6, "0")}` });
      const { code } = await api<{ code: string }>("POST", `/tenants/${tenant.id}/pairing-codes`, {});
      const agentDir = join(dir, "agents", String(i));
      await pairAgent({ hubUrl: hub.url, code, dataDir: agentDir });
      // The agent's own files are not the hub's cost: dropped at once so 10,000 stay cheap.
      await rm(agentDir, { recursive: true, force: true });
      return performance.now() - t0;
    },
    (upTo, latencies) => {
      const now = performance.now();
      const cpu = cpuMsOf(pid);
      const pairs = upTo - lastUpTo;
      const window: Window = {
        upTo,
        wallMsPerPair: (now - lastAt) / pairs,
        hubCpuMsPerPair: (cpu - lastCpu) / pairs,
        p95Ms: percentile(latencies, 95),
        rss: rssOf(pid),
      };
      windows.push(window);
      console.log(
        `${String(upTo).padStart(6)}   ${window.wallMsPerPair.toFixed(1).padStart(14)}  ${window.hubCpuMsPerPair.toFixed(2).padStart(15)}  ${window.p95Ms.toFixed(0).padStart(6)} ms  ${mib(window.rss).padStart(9)}`,
      );
      lastAt = now;
      lastCpu = cpu;
      lastUpTo = upTo;
    },
  );
  const totalS = (performance.now() - startedAt) / 1000;
  await hub.stop();
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
  const first = windows[0]!;
  const last = windows.at(-1)!;
  console.log(`\n${options.tenants} agents paired on the ${store} store in ${totalS.toFixed(1)} s (${((options.tenants / totalS) * 60).toFixed(0)} pairs a minute)`);
  const rows = [
    ["figure", "first window", "last window", "ratio (last/first)"],
    ["wall ms per pair", first.wallMsPerPair.toFixed(1), last.wallMsPerPair.toFixed(1), (last.wallMsPerPair / first.wallMsPerPair).toFixed(2)],
    ["hub CPU ms per pair", first.hubCpuMsPerPair.toFixed(2), last.hubCpuMsPerPair.toFixed(2), (last.hubCpuMsPerPair / first.hubCpuMsPerPair).toFixed(2)],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
  console.log(`bare ws, same pattern (2 HTTP requests + 1 WebSocket round trip): ${bare.toFixed(2)} ms per pair; hub ratio at the last window ${(last.wallMsPerPair / bare).toFixed(1)}`);
}
