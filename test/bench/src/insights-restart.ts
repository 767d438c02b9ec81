// `pnpm --filter @canopy/test-bench bench:insights-restart [-- --tenants N --per-tenant N]`:
// what a hub restart costs when it holds many insights. The tenants are made through the real
// API; their insights (Sigma-based demo insights) are written straight into the hub's store
// files in the layout the hub itself writes (16 shards per tenant), because delivering a million
// through agents is what `bench:insights` measures, not this. Then the hub starts on that folder
// and the time until it listens, the time until its first list answers (a list waits for the
// index, built in the background after listening: the time until indexed), its memory at both
// points, and a few list queries are printed. While it indexes, /healthz is asked every 100 ms
// (an unrelated request: it must keep answering, with the build's progress) and the hub's own
// event-loop delay is measured (event-loop-probe.ts): issue 13, P7 wants no stall over 25 ms.
// Asserts nothing.
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateDemoInsights } from "@canopy/agent";
import { insightJson, type TenantInsight } from "@canopy/api";
import { DEFAULT_SHARDS, shardOf } from "@canopy/store";
import { signIn, startBenchHub } from "./bench-hub.js";
import { eventLoopOf } from "./fairness-targets.js";
import { PROBED } from "./scale/measured-server.js";
import { cpuMsOf, mib, percentile } from "./processes.js";

/** The most the process has held resident so far (VmHWM): what the machine must have, not what is left after. */
function peakRssOf(pid: number): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) * 1024;
}

export interface RestartBenchOptions {
  tenants: number;
  perTenant: number;
}

/** One tenant's insights as the hub stores them: `insights.<hex tenant id>.<shard>.json`. */
async function writeTenantInsights(dbDir: string, tenantId: string, records: TenantInsight[]): Promise<void> {
  const shards = Array.from({ length: DEFAULT_SHARDS }, () => ({}) as Record<string, TenantInsight>);
  for (const record of records) shards[shardOf(record.id)]![record.id] = record;
  const hex = Buffer.from(tenantId, "utf8").toString("hex");
  await Promise.all(shards.map((docs, n) => writeFile(join(dbDir, `insights.${hex}.${n}.json`), JSON.stringify({ version: 1, docs }))));
}

export interface RestartBenchFigures {
  insights: number;
  /** From start to listening (the index is built afterwards, in the background). */
  listenMs: number;
  /** RSS once listening. */
  rssListening: number;
  /** From start until a list that needs the whole index answered. */
  indexedMs: number;
  /** RSS once indexed, and the peak until then. */
  rss: number;
  peakRss: number;
  /** The hub's worst event-loop stall while it indexed. */
  loopMaxMs: number;
  /** GET /insights (a board column, one tenant's page) right after the restart. */
  pageP50Ms: number;
  pageP95Ms: number;
  /** The hub's CPU seconds from start to listening. */
  startCpuS: number;
}

export async function insightsRestartBench(options: RestartBenchOptions): Promise<RestartBenchFigures> {
  const total = options.tenants * options.perTenant;
  const dir = await mkdtemp(join(tmpdir(), "canopy-bench-restart-"));
  const hubDir = join(dir, "hub");
  try {
    const first = await startBenchHub(dir);
    const tenantIds: string[] = [];
    try {
      const api = await signIn(first.url);
      for (let i = 0; i < options.tenants; i++) {
        tenantIds.push((await api<{ id: string }>("POST", "/tenants", { name: `Restart bench ${String(i).padStart(3, "0")}` })).id);
      }
    } finally {
      await first.stop();
    }

    const now = new Date();
    const templates = await generateDemoInsights({ count: Math.min(options.perTenant, 20_000), seed: "restart-bench", now });
    const dbDir = join(hubDir, "db");
    await mkdir(dbDir, { recursive: true });
    const writeStart = performance.now();
    for (const tenantId of tenantIds) {
      const records = Array.from({ length: options.perTenant }, (_, i) => {
        const template = templates[i % templates.length]!;
        return insightJson({ ...template, id: `${template.id}-${i}` });
      });
      await writeTenantInsights(dbDir, tenantId, records);
    }
    console.log(`\nwrote ${total} insights for ${options.tenants} tenants into the hub's store files in ${((performance.now() - writeStart) / 1000).toFixed(1)} s`);

    const startedAt = performance.now();
    const hub = await startBenchHub(dir, 0, { nodeArgs: PROBED, ipc: true });
    const readyMs = performance.now() - startedAt;
    const startCpuS = cpuMsOf(hub.child.pid!) / 1000;
    try {
      const rssListening = hub.rssBytes();
      await eventLoopOf(hub); // from here on: the delay while the index is built
      const api = await signIn(hub.url);
      const listed = api<{ total: number }>("GET", "/insights?limit=1");
      let indexed = false;
      void listed.finally(() => (indexed = true));
      const health = { answers: 0, building: 0, maxMs: 0, last: "" };
      while (!indexed) {
        const t0 = performance.now();
        const status = (await (await fetch(new URL("/healthz", hub.url))).json()) as { insightIndex?: { state: string; insightsRead: number; insightsIndexed: number } };
        health.maxMs = Math.max(health.maxMs, performance.now() - t0);
        health.answers++;
        if (status.insightIndex?.state === "building") {
          health.building++;
          health.last = `read ${status.insightIndex.insightsRead}, posted ${status.insightIndex.insightsIndexed}`;
        }
        await Promise.race([listed, new Promise((resolve) => setTimeout(resolve, 100))]);
      }
      const counted = await listed;
      const indexedMs = performance.now() - startedAt;
      const loop = await eventLoopOf(hub);
      const rss = hub.rssBytes();
      const peak = peakRssOf(hub.child.pid!);
      const times: number[] = [];
      for (let i = 0; i < 40; i++) {
        const t0 = performance.now();
        await api("GET", i % 2 === 0 ? "/insights?limit=50&status=new&severity=high,critical" : `/insights?limit=50&tenantId=${tenantIds[i % tenantIds.length]}`);
        times.push(performance.now() - t0);
      }
      console.log(`hub restart holding ${counted.total} insights (${options.tenants} tenants x ${options.perTenant}): listening after ${(readyMs / 1000).toFixed(1)} s (RSS ${mib(rssListening)}); first list (indexed) after ${(indexedMs / 1000).toFixed(1)} s; RSS ${mib(rss)} (peak ${mib(peak)})`);
      console.log(
        `while indexing: hub event-loop delay max ${loop.max.toFixed(0)} ms, p99 ${loop.p99.toFixed(1)} ms; /healthz answered ${health.answers} times (${health.building} "building", last: ${health.last || "-"}), slowest ${health.maxMs.toFixed(0)} ms`,
      );
      console.log(`GET /insights right after (board column / one tenant): p50 ${percentile(times, 50).toFixed(2)} ms, p95 ${percentile(times, 95).toFixed(2)} ms\n`);
      return { insights: counted.total, listenMs: readyMs, rssListening, indexedMs, rss, peakRss: peak, loopMaxMs: loop.max, pageP50Ms: percentile(times, 50), pageP95Ms: percentile(times, 95), startCpuS };
    } finally {
      await hub.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
