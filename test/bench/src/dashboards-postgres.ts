// `node dist/dashboards-postgres-main.js`: dashboards of a hub on PostgreSQL holding many
// insights. Seeds as `insights-postgres.ts` does (or reuses a database kept by an earlier run),
// starts `canopy-hub --database-url`, makes three dashboards through the API (the default one:
// every widget over 7 days; the same widgets over "All time"; two tenants over 30 days) and
// prints `GET /dashboards/{id}/data` p50 / p95 / max, then each widget of the "All time" one
// alone (`--widget-requests`), and the hub's RSS after. Asserts nothing.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Dashboard, Widget } from "@canopy/api";
import { benchDatabase, type BenchDatabase } from "./bench-database.js";
import { signIn, startBenchHub, type HubApi } from "./bench-hub.js";
import { seed } from "./insights-postgres.js";
import { mib, percentile } from "./processes.js";

export interface DashboardBenchOptions {
  tenants: number;
  perTenant: number;
  /** Calls of each dashboard's data. */
  requests: number;
  /** Calls of each widget of the "All time" dashboard alone (0: none). */
  widgetRequests: number;
  /** Where to make the database (else CANOPY_TEST_DATABASE_URL, else a throwaway cluster). */
  adminUrl?: string | undefined;
  /** A database an earlier run kept (`--keep`): no tenants or insights are written. */
  databaseUrl?: string | undefined;
  keep: boolean;
}

async function timed(times: number[], call: () => Promise<unknown>): Promise<void> {
  const t0 = performance.now();
  await call();
  times.push(performance.now() - t0);
}

const line = (name: string, times: number[]) =>
  `  ${name.padEnd(44)} ${percentile(times, 50).toFixed(1).padStart(8)} ${percentile(times, 95).toFixed(1).padStart(8)} ${Math.max(...times).toFixed(1).padStart(8)}`;

/** A database holding the tenants and their insights: made and seeded now, or the one given. */
async function seededDatabase(options: DashboardBenchOptions, dir: string): Promise<{ url: string; made?: BenchDatabase }> {
  if (options.databaseUrl) return { url: options.databaseUrl };
  const made = await benchDatabase(options.adminUrl);
  const hub = await startBenchHub(dir, 0, { databaseUrl: made.url });
  const tenantIds: string[] = [];
  try {
    const api = await signIn(hub.url);
    for (let i = 0; i < options.tenants; i++) tenantIds.push((await api<{ id: string }>("POST", "/tenants", { name: `PG bench ${String(i).padStart(4, "0")}` })).id);
  } finally {
    await hub.stop();
  }
  await seed(made.url, tenantIds, options.perTenant);
  return { url: made.url, made };
}

async function makeDashboards(api: HubApi): Promise<[string, Dashboard][]> {
  const listed = await api<{ items: Dashboard[] }>("GET", "/dashboards");
  const overview = listed.items.find((d) => d.name === "MSSP overview")!;
  const tenants = await api<{ items: { id: string }[] }>("GET", "/tenants?limit=2");
  const make = (name: string, widgets: Widget[]) => api<Dashboard>("POST", "/dashboards", { name, widgets });
  const allTime = await make("All time", overview.widgets.map((w) => ({ ...w, range: "all" as const })));
  const two = await make("Two tenants, 30 days", overview.widgets.map((w) => ({ ...w, range: "30d" as const, tenants: { ids: tenants.items.map((t) => t.id) } })));
  return [
    ["default dashboard (7 days)", overview],
    ["every widget over All time", allTime],
    ["two tenants, 30 days", two],
  ];
}

export async function dashboardsPostgresBench(options: DashboardBenchOptions): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "canopy-bench-dash-"));
  const database = await seededDatabase(options, dir);
  try {
    const hub = await startBenchHub(dir, 0, { databaseUrl: database.url });
    try {
      const api = await signIn(hub.url);
      const held = await api<{ total: number }>("GET", "/insights?limit=1");
      const dashboards = await makeDashboards(api);
      // One call each first: connections made, statements planned, pages cached.
      for (const [, dashboard] of dashboards) await api("GET", `/dashboards/${dashboard.id}/data`);
      console.log(`\nGET /dashboards/{id}/data over ${held.total} insights, ${options.requests} calls each (p50 / p95 / max ms):`);
      for (const [name, dashboard] of dashboards) {
        const times: number[] = [];
        for (let i = 0; i < options.requests; i++) await timed(times, () => api("GET", `/dashboards/${dashboard.id}/data`));
        console.log(line(name, times));
      }
      const [, allTime] = dashboards[1]!;
      if (options.widgetRequests > 0) console.log(`each widget of "All time" alone, ${options.widgetRequests} calls each:`);
      for (const widget of options.widgetRequests > 0 ? allTime.widgets : []) {
        const times: number[] = [];
        for (let i = 0; i < options.widgetRequests; i++) await timed(times, () => api("GET", `/dashboards/${allTime.id}/widgets/${widget.id}/data`));
        console.log(line(widget.type, times));
      }
      console.log(`hub RSS after the calls: ${mib(hub.rssBytes())}\n`);
    } finally {
      await hub.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    if (database.made && options.keep) console.log(`database kept: ${database.url}`);
    else await database.made?.drop();
  }
}
