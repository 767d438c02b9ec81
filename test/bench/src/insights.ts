// `npm run bench -- insights`: the federated insight list and the board round trip.
//
// 1. A hub process and N real agents (`createAgent`), each ingesting its share of demo insights
//    made from the Sigma rules in ../shared/data (100 tenants x 1000 = 100k by default); the
//    outboxes deliver them to the hub. Then `GET /insights` for typical filter combinations
//    over HTTP, against a bare HTTP round trip to the bare baseline server.
// 2. The board round trip: `PATCH /insights/{id}` → the tenant's agent applies it and acks →
//    the change is visible in `GET /insights/{id}`, against a bare ws echo round trip.
// 3. The hub's index in process (`InsightIndex`) at 100k and 1M insights over 100 tenants: the
//    same query shapes without HTTP, to show how the index itself scales.
// Prints figures and ratios; asserts nothing.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createAgent, generateDemoInsights, pairAgent } from "@canopy/agent";
import { InsightIndex, type IndexQuery } from "@canopy/hub";
import type { Insight } from "@canopy/protocol";
import WebSocket from "ws";
import { signIn, startBenchHub, type HubApi } from "./bench-hub.js";
import type { FeedEvent } from "./live-feed.js";
import { mib, percentile, startServer, type Server } from "./processes.js";

export interface InsightBenchOptions {
  tenants: number;
  perTenant: number;
  /** Insights in the in-process index's large run. */
  large: number;
  roundTrips: number;
  /** Timed requests per query shape. */
  samples: number;
}

export const DEFAULT_INSIGHT_BENCH: InsightBenchOptions = { tenants: 100, perTenant: 1000, large: 1_000_000, roundTrips: 50, samples: 40 };

const baselineScript = fileURLToPath(new URL("./baseline-server.js", import.meta.url));
const DAY = 24 * 3600_000;

/** A query shape, as `GET /insights` parameters and as an index query. */
interface Shape {
  label: string;
  params: (tenantIds: string[], now: number) => Record<string, string>;
}

const SHAPES: Shape[] = [
  { label: "newest first, no filter", params: () => ({}) },
  { label: "one tenant", params: (t) => ({ tenantId: t[Math.min(7, t.length - 1)]! }) },
  { label: "one tenant, open (new,in_progress)", params: (t) => ({ tenantId: t[Math.min(7, t.length - 1)]!, status: "new,in_progress" }) },
  { label: "board column: new, high+critical", params: () => ({ status: "new", severity: "high,critical" }) },
  { label: "tactic credential-access, not closed", params: () => ({ tactic: "credential-access", status: "new,in_progress" }) },
  { label: "q=powersh (word prefix)", params: () => ({ q: "powersh" }) },
  { label: "last 7 days, new", params: (_t, now) => ({ from: new Date(now - 7 * DAY).toISOString(), status: "new" }) },
  { label: "5 tenants by severity", params: (t) => ({ tenantId: t.slice(0, 5).join(","), sort: "severity" }) },
  { label: "technique T1059 (+subs) by updatedAt", params: () => ({ technique: "T1059", sort: "updatedAt" }) },
  { label: "closed in the last 3 days", params: (_t, now) => ({ timeField: "closedAt", from: new Date(now - 3 * DAY).toISOString() }) },
];

const list = (value: string | undefined) => (value === undefined ? undefined : value.split(","));

function indexQuery(params: Record<string, string>, cursor?: string): IndexQuery {
  const from = params.from === undefined ? null : Date.parse(params.from);
  return {
    tenantIds: list(params.tenantId),
    statuses: list(params.status) as IndexQuery["statuses"],
    severities: list(params.severity) as IndexQuery["severities"],
    tactics: list(params.tactic),
    techniques: list(params.technique),
    q: params.q,
    time: from === null ? undefined : { field: (params.timeField ?? "createdAt") as "createdAt", from, to: null },
    sort: (params.sort ?? "createdAt") as IndexQuery["sort"],
    order: "desc",
    limit: 50,
    cursor,
  };
}

const p50 = (v: number[]) => percentile(v, 50);
const p95 = (v: number[]) => percentile(v, 95);
const ms = (v: number) => `${v.toFixed(2)} ms`;

function table(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
}

/** The baseline: bare HTTP and bare ws round trips to a server that does nothing else. */
async function baseline(samples: number): Promise<{ http: number[]; ws: number[] }> {
  const server = await startServer(baselineScript, []);
  // Warm up (connection pool, JIT) as the hub's figures are, measured after many requests.
  for (let i = 0; i < 50; i++) await (await fetch(server.url)).text();
  const http: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await (await fetch(server.url)).text();
    http.push(performance.now() - t0);
  }
  const socket = await new Promise<WebSocket>((resolve, reject) => {
    const ws = new WebSocket(server.url.replace("http", "ws"));
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
  const ws: number[] = [];
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      socket.once("message", () => resolve());
      socket.send(JSON.stringify({ type: "insight.update", updates: [{ updateId: `u${i}`, insightId: "x", changes: { status: "closed" } }] }));
    });
    ws.push(performance.now() - t0);
  }
  socket.terminate();
  await server.stop();
  return { http, ws };
}

interface HubRun {
  hub: Server;
  api: HubApi;
  tenantIds: string[];
  agents: ReturnType<typeof createAgent>[];
  dir: string;
}

async function startHubWithAgents(options: InsightBenchOptions, demo: Insight[]): Promise<HubRun & { ingestMs: number }> {
  const dir = await mkdtemp(join(tmpdir(), "canopy-bench-insights-"));
  const hub = await startBenchHub(dir);
  const api = await signIn(hub.url);
  const tenantIds: string[] = new Array<string>(options.tenants);
  const agents: ReturnType<typeof createAgent>[] = new Array<ReturnType<typeof createAgent>>(options.tenants);
  try {
    return { hub, api, tenantIds, agents, dir, ...(await pairAndIngest(hub, api, options, demo, dir, tenantIds, agents)) };
  } catch (error) {
    // Leave nothing running behind a failed run.
    await Promise.all(agents.filter(Boolean).map((a) => a.stop()));
    await hub.stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Makes `options.tenants` tenants (`tenantBody(i)` each), pairs and starts an agent for each,
 * and has every agent ingest its `perTenant` share of `demo` until the hub has stored them all.
 */
export async function pairAndIngest(
  hub: Server,
  api: HubApi,
  options: Pick<InsightBenchOptions, "tenants" | "perTenant">,
  demo: Insight[],
  dir: string,
  tenantIds: string[],
  agents: ReturnType<typeof createAgent>[],
  tenantBody: (i: number) => Record<string, unknown> = (i) => ({ name: `Insight bench ${String(i).padStart(3, "0")}` }),
): Promise<{ ingestMs: number }> {
  for (let start = 0; start < options.tenants; start += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, options.tenants - start) }, async (_, k) => {
        const i = start + k;
        const tenant = await api<{ id: string }>("POST", "/tenants", tenantBody(i));
        const { code } = await api<{ code: string }>("POST", `/tenants/${tenant.id}/pairing-codes`, {});
        const dataDir = join(dir, `agent-${i}`);
        await pairAgent({ hubUrl: hub.url, code, dataDir });
        const agent = createAgent({ dataDir, reconnectMaxMs: 2000 });
        await agent.start();
        await agent.waitFor("online", 30_000);
        tenantIds[i] = tenant.id;
        agents[i] = agent;
      }),
    );
  }
  // Every agent ingests its share at once; the outboxes deliver it in acked batches. The hub
  // announces each batch it stored (`insights.ingested`, with its count) on the live feed.
  const feed = await api.liveFeed();
  try {
    const from = feed.position;
    const started = performance.now();
    await Promise.all(agents.map((agent, i) => agent.ingestInsights(demo.slice(i * options.perTenant, (i + 1) * options.perTenant), { source: "bench" })));
    const expected = options.tenants * options.perTenant;
    let stored = 0;
    await feed.waitFor(
      `${expected} insights stored`,
      ({ event, data }) => (event === "insights.ingested" && (stored += Number(data.count)) >= expected ? true : undefined),
      { from },
    );
    const ingestMs = performance.now() - started;
    const { total } = await api<{ total: number }>("GET", "/insights?limit=1");
    if (total < expected) throw new Error(`the hub announced ${stored} insights stored but lists ${total}`);
    return { ingestMs };
  } finally {
    await feed.close();
  }
}

async function timeHttpQueries(run: HubRun, samples: number, now: number) {
  const rows: { label: string; times: number[]; total: number }[] = [];
  for (const shape of SHAPES) {
    const query = new URLSearchParams({ limit: "50", ...shape.params(run.tenantIds, now) }).toString();
    const first = await run.api<{ total: number; nextCursor: string | null }>("GET", `/insights?${query}`);
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      // Alternate the first and the second page, as a user paging does.
      const cursor = i % 2 === 1 && first.nextCursor ? `&cursor=${encodeURIComponent(first.nextCursor)}` : "";
      const t0 = performance.now();
      await run.api("GET", `/insights?${query}${cursor}`);
      times.push(performance.now() - t0);
    }
    rows.push({ label: shape.label, times, total: first.total });
  }
  return rows;
}

/**
 * PATCH → agent applies and acks → the change visible in GET /insights/{id}; one at a time. The
 * hub announces the acknowledged change on the live feed (`insight.updated`, pending cleared);
 * the GET after it is part of the round trip, as for a user whose page reloads the insight.
 */
async function timeRoundTrips(run: HubRun, count: number): Promise<number[]> {
  const { items } = await run.api<{ items: { id: string; status: string }[] }>("GET", `/insights?limit=${Math.min(200, count * 2)}&status=new`);
  const times: number[] = [];
  const feed = await run.api.liveFeed();
  try {
    for (let i = 0; i < count; i++) {
      const insight = items[i % items.length]!;
      const target = i < items.length ? "in_progress" : "new";
      const acknowledged = ({ event, data }: FeedEvent) => (event === "insight.updated" && data.id === insight.id && data.pending === null && data.status === target ? true : undefined);
      const from = feed.position;
      const t0 = performance.now();
      await run.api("PATCH", `/insights/${encodeURIComponent(insight.id)}`, { status: target, comment: `bench round trip ${i}` });
      await feed.waitFor(`round trip ${i} acknowledged`, acknowledged, { from });
      const now = await run.api<{ status: string; pending: unknown }>("GET", `/insights/${encodeURIComponent(insight.id)}`);
      times.push(performance.now() - t0);
      if (now.pending !== null || now.status !== target) throw new Error(`insight ${insight.id} announced as acknowledged but GET shows ${JSON.stringify(now)}`);
    }
  } finally {
    await feed.close();
  }
  return times;
}

/** Insight entries over 100 tenants, cloned from the demo insights with fresh ids and spread times. */
function buildIndex(demo: Insight[], count: number, tenants: string[]): { index: InsightIndex; buildMs: number; heapBytes: number } {
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const index = new InsightIndex();
  const started = performance.now();
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let n = 0; n < count; n++) {
    const template = demo[n % demo.length]!;
    const tenantId = tenants[n % tenants.length]!;
    const shift = Math.floor(random() * 6 * 3600_000);
    const localId = `${template.id}-${n}`;
    index.upsert({
      key: `${tenantId}~${localId}`,
      tenantId,
      localId,
      title: template.title,
      severity: template.severity,
      status: template.status,
      createdAt: template.createdAt.getTime() - shift,
      updatedAt: template.updatedAt.getTime() - shift,
      closedAt: template.closedAt === null ? null : template.closedAt.getTime() - shift,
      ruleId: template.ruleId,
      ruleName: template.ruleName,
      tactics: template.tactics,
      techniques: template.techniques,
      hosts: template.hosts,
      users: template.users,
      assignee: template.assignee,
      revision: 1,
      commentCount: template.comments.length,
      source: "bench",
    });
  }
  const buildMs = performance.now() - started;
  globalThis.gc?.();
  return { index, buildMs, heapBytes: process.memoryUsage().heapUsed - heapBefore };
}

function timeIndexQueries(index: InsightIndex, tenants: string[], samples: number, now: number) {
  return SHAPES.map((shape) => {
    const params = shape.params(tenants, now);
    const first = index.query(indexQuery(params));
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const cursor = i % 2 === 1 && first.nextCursor ? first.nextCursor : undefined;
      const t0 = performance.now();
      index.query(indexQuery(params, cursor));
      times.push(performance.now() - t0);
    }
    return { label: shape.label, times, total: first.total, plan: `${first.plan.total}/${first.plan.filter}/${first.plan.page}` };
  });
}

export async function insightsBench(options: InsightBenchOptions): Promise<void> {
  const total = options.tenants * options.perTenant;
  const now = Date.now();
  const demo = await generateDemoInsights({ count: Math.max(total, 20_000), seed: "insight-bench", now: new Date(now) });
  const base = await baseline(Math.max(options.samples, options.roundTrips));

  const run = await startHubWithAgents(options, demo);
  let http: Awaited<ReturnType<typeof timeHttpQueries>>;
  let trips: number[];
  let rss: number;
  try {
    http = await timeHttpQueries(run, options.samples, now);
    trips = await timeRoundTrips(run, options.roundTrips);
    rss = run.hub.rssBytes();
  } finally {
    await Promise.all(run.agents.map((a) => a.stop()));
    await run.hub.stop();
    await rm(run.dir, { recursive: true, force: true });
  }

  // The index alone, in this process: each built, queried, and let go before the next.
  const syntheticTenants = Array.from({ length: 100 }, (_, i) => `tnt_bench${String(i).padStart(3, "0")}AbCdEfGhIj`);
  const indexRun = (count: number) => {
    const built = buildIndex(demo, count, syntheticTenants);
    return { buildMs: built.buildMs, heapBytes: built.heapBytes, rows: timeIndexQueries(built.index, syntheticTenants, options.samples, now) };
  };
  const small = indexRun(total);
  const smallRows = small.rows;
  const large = indexRun(options.large);
  const largeRows = large.rows;

  console.log(`\nCanopy insights benchmark (node ${process.version})\n`);
  console.log(`${options.tenants} real agents ingested ${total} demo insights (Sigma-based) → hub acked and indexed all: ${(run.ingestMs / 1000).toFixed(1)} s; hub RSS ${mib(rss)}`);
  console.log(`bare baseline round trips: HTTP p50 ${ms(p50(base.http))}, ws echo p50 ${ms(p50(base.ws))}\n`);
  const bareHttp = p50(base.http);
  table([
    [`GET /insights (limit 50), ${total} insights / ${options.tenants} tenants`, "matches", "HTTP p50", "HTTP p95", "vs bare HTTP", "index p50", "index p95"],
    ...http.map((row, i) => [
      row.label,
      String(row.total),
      ms(p50(row.times)),
      ms(p95(row.times)),
      (p50(row.times) / bareHttp).toFixed(2),
      ms(p50(smallRows[i]!.times)),
      ms(p95(smallRows[i]!.times)),
    ]),
  ]);
  console.log(`\nin-process index: ${total} built in ${(small.buildMs / 1000).toFixed(1)} s (heap +${mib(small.heapBytes)}); ${options.large} built in ${(large.buildMs / 1000).toFixed(1)} s (heap +${mib(large.heapBytes)}; titles and lists shared with ${demo.length} templates)\n`);
  table([
    [`index query at ${options.large} insights / 100 tenants`, "matches", "p50", "p95", "plan (total/filter/page)"],
    ...largeRows.map((row) => [row.label, String(row.total), ms(p50(row.times)), ms(p95(row.times)), row.plan]),
  ]);
  console.log("");
  table([
    ["board round trip (PATCH → agent applies, acks → visible in GET)", "canopy", "bare ws echo", "ratio"],
    ["p50", ms(p50(trips)), ms(p50(base.ws)), (p50(trips) / p50(base.ws)).toFixed(1)],
    ["p95", ms(p95(trips)), ms(p95(base.ws)), (p95(trips) / p95(base.ws)).toFixed(1)],
  ]);
}
