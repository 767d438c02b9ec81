// `pnpm --filter @canopy/test-bench bench:insights-postgres`: the hub on PostgreSQL holding many
// insights. Makes a throwaway database, has `canopy-hub --database-url` create the schema and
// the tenants (through the real API), writes every tenant's Sigma-based demo insights with the
// PostgreSQL insight repository's own batch path (the statement an agent's batch runs), then
// restarts the hub and prints: time until it listens and its RSS (nothing is read at start, so
// both should not follow the insight count), and `GET /insights` p50/p95 for first pages,
// filtered pages and a deep keyset page. Asserts nothing.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateDemoInsights } from "@canopy/agent";
import { PostgresInsightRepository } from "@canopy/hub";
import { connectPostgres } from "@canopy/store";
import { benchDatabase } from "./bench-database.js";
import { signIn, startBenchHub } from "./bench-hub.js";
import { mib, percentile, settledRss } from "./processes.js";
import type { Server } from "./processes.js";

export interface PostgresBenchOptions {
  tenants: number;
  perTenant: number;
  /** `GET /insights` calls per kind of query. */
  requests: number;
  /** A URL whose role may CREATE DATABASE; the bench's own database is made next to it and dropped. */
  /** Where to make the database (else CANOPY_TEST_DATABASE_URL, else a throwaway cluster). */
  adminUrl?: string | undefined;
  /** Leave the database in place (its URL is printed). */
  keep: boolean;
}

const BATCH = 1000;
const WRITERS = 4;

function hubOn(dir: string, databaseUrl: string): Promise<Server> {
  const previous = process.env.CANOPY_DATABASE_URL;
  process.env.CANOPY_DATABASE_URL = databaseUrl;
  try {
    return startBenchHub(dir);
  } finally {
    if (previous === undefined) delete process.env.CANOPY_DATABASE_URL;
    else process.env.CANOPY_DATABASE_URL = previous;
  }
}

async function timedStart(dir: string, databaseUrl: string): Promise<{ hub: Server; ms: number; rss: number }> {
  const t0 = performance.now();
  const hub = await hubOn(dir, databaseUrl);
  const ms = performance.now() - t0;
  return { hub, ms, rss: await settledRss(hub.child.pid!) };
}

/** Writes `perTenant` demo insights (spread over the past 30 days) for each tenant, as agents' batches would, then VACUUM ANALYZE. */
export async function seed(databaseUrl: string, tenantIds: string[], perTenant: number): Promise<void> {
  const db = await connectPostgres(databaseUrl, { max: WRITERS });
  const repository = new PostgresInsightRepository(db);
  const templates = await generateDemoInsights({ count: Math.min(perTenant, 20_000), seed: "postgres-bench", now: new Date() });
  const jobs: { tenantId: string; from: number }[] = [];
  for (const tenantId of tenantIds) for (let from = 0; from < perTenant; from += BATCH) jobs.push({ tenantId, from });
  const started = performance.now();
  let done = 0;
  const writer = async () => {
    for (let job = jobs.shift(); job; job = jobs.shift()) {
      const batch = Array.from({ length: Math.min(BATCH, perTenant - job.from) }, (_, k) => {
        const i = job.from + k;
        const template = templates[i % templates.length]!;
        return { ...template, id: `${template.id}-${i}` };
      });
      await repository.store(job.tenantId, batch);
      done += batch.length;
      if (done % 100_000 < batch.length) console.log(`  ${done} insights written, ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
  };
  await Promise.all(Array.from({ length: WRITERS }, writer));
  await db.pool.query("VACUUM ANALYZE insights");
  console.log(`wrote ${done} insights for ${tenantIds.length} tenants through the repository's batch path in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await db.close();
}

export async function insightsPostgresBench(options: PostgresBenchOptions): Promise<void> {
  const database = await benchDatabase(options.adminUrl);
  const dir = await mkdtemp(join(tmpdir(), "canopy-bench-pg-"));
  try {
    const empty = await timedStart(dir, database.url);
    const tenantIds: string[] = [];
    try {
      const api = await signIn(empty.hub.url);
      for (let i = 0; i < options.tenants; i++) {
        tenantIds.push((await api<{ id: string }>("POST", "/tenants", { name: `PG bench ${String(i).padStart(4, "0")}` })).id);
      }
    } finally {
      await empty.hub.stop();
    }
    console.log(`\nhub on an empty PostgreSQL database: listening after ${(empty.ms / 1000).toFixed(2)} s (schema migrated); RSS ${mib(empty.rss)}`);

    await seed(database.url, tenantIds, options.perTenant);

    const full = await timedStart(dir, database.url);
    try {
      const api = await signIn(full.hub.url);
      const counted = await api<{ total: number }>("GET", "/insights?limit=1");
      console.log(`hub restart holding ${counted.total} insights (${options.tenants} tenants x ${options.perTenant}): listening after ${(full.ms / 1000).toFixed(2)} s; RSS ${mib(full.rss)}`);

      // A cursor deep in the list: 200 pages of 50 down the default order.
      let deep = "";
      for (let page = 0, cursor = ""; page < 200; page++) {
        const answer = await api<{ nextCursor: string | null }>("GET", `/insights?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
        cursor = answer.nextCursor ?? "";
        deep = cursor;
      }
      const kinds: [string, (i: number) => string][] = [
        ["first page, everything (createdAt desc)", () => "/insights?limit=50"],
        ["board column: status=new, severity high+critical", () => "/insights?limit=50&status=new&severity=high,critical"],
        ["one tenant", (i) => `/insights?limit=50&tenantId=${tenantIds[(i * 7) % tenantIds.length]}`],
        ["tactic + technique", () => "/insights?limit=50&tactic=credential-access&technique=T1003"],
        ["q word prefix", (i) => `/insights?limit=50&q=${["mimi", "powers", "lsass", "sched"][i % 4]}`],
        ["severity sort, one week", () => `/insights?limit=50&sort=severity&from=${new Date(Date.now() - 7 * 86_400_000).toISOString()}`],
        ["deep keyset page (after 10,000 rows)", () => `/insights?limit=50&cursor=${encodeURIComponent(deep)}`],
      ];
      console.log(`GET /insights, ${options.requests} calls each (p50 / p95 / max ms):`);
      for (const [name, path] of kinds) {
        const times: number[] = [];
        for (let i = 0; i < options.requests; i++) {
          const t0 = performance.now();
          await api("GET", path(i));
          times.push(performance.now() - t0);
        }
        console.log(`  ${name.padEnd(50)} ${percentile(times, 50).toFixed(1).padStart(7)} ${percentile(times, 95).toFixed(1).padStart(7)} ${Math.max(...times).toFixed(1).padStart(7)}`);
      }
      console.log(`hub RSS after the queries: ${mib(full.hub.rssBytes())}\n`);
    } finally {
      await full.hub.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    if (options.keep) console.log(`database kept: ${database.url}`);
    else await database.drop();
  }
}
