// `pnpm --filter @canopy/test-bench bench:org-scope`: what a child MSP's scope costs a list. The
// hub on PostgreSQL holds `tenants` x `perTenant` insights; `mspCustomers` of the tenants are the
// customers of one child MSP, the rest the root's. Prints `GET /insights` p50/p95/max for the
// root's administrator and for the child MSP's (who sees only its customers'), first pages and a
// filtered board column, and the total each sees. Asserts nothing.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchDatabase } from "./bench-database.js";
import { signIn, startBenchHub, type HubApi } from "./bench-hub.js";
import { seed } from "./insights-postgres.js";
import { percentile } from "./processes.js";
import type { Server } from "./processes.js";

export interface OrgScopeBenchOptions {
  tenants: number;
  perTenant: number;
  mspCustomers: number;
  requests: number;
  adminUrl?: string | undefined;
}

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

async function timed(api: HubApi, path: (i: number) => string, requests: number): Promise<{ p50: number; p95: number; max: number; total: number }> {
  const times: number[] = [];
  let total = 0;
  for (let i = 0; i < requests; i++) {
    const t0 = performance.now();
    total = (await api<{ total: number }>("GET", path(i))).total;
    times.push(performance.now() - t0);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95), max: Math.max(...times), total };
}

export async function orgScopeBench(options: OrgScopeBenchOptions): Promise<void> {
  const database = await benchDatabase(options.adminUrl);
  const dir = await mkdtemp(join(tmpdir(), "canopy-bench-org-"));
  try {
    const tenantIds: string[] = [];
    let mspToken = "";
    const setup = await hubOn(dir, database.url);
    try {
      const api = await signIn(setup.url);
      const msp = await api<{ id: string }>("POST", "/tenants", { name: "Bench child MSP", capabilities: [{ name: "msp" }, { name: "siem" }] });
      for (let i = 0; i < options.tenants; i++) {
        const underMsp = i < options.mspCustomers;
        tenantIds.push((await api<{ id: string }>("POST", "/tenants", { name: `Org bench ${String(i).padStart(4, "0")}`, ...(underMsp ? { parentId: msp.id } : {}) })).id);
      }
      const invited = await api<{ inviteUrl: string }>("POST", "/users", { email: "msp-admin@bench.local", orgId: msp.id, roles: ["Manage organization"] });
      mspToken = new URL(invited.inviteUrl).hash.replace("#token=", "");
    } finally {
      await setup.stop();
    }
    await seed(database.url, tenantIds, options.perTenant);
    const hub = await hubOn(dir, database.url);
    try {
      const root = await signIn(hub.url);
      const msp = await signIn(hub.url, { email: "msp-admin@bench.local", password: "bench msp password", acceptToken: mspToken });
      console.log(`\n${options.tenants} tenants x ${options.perTenant} insights on PostgreSQL; the child MSP has ${options.mspCustomers} of them. GET /insights, ${options.requests} calls each (p50 / p95 / max ms, total seen):`);
      const kinds: [string, (i: number) => string][] = [
        ["first page, everything", () => "/insights?limit=50"],
        ["board column: status=new, severity high+critical", () => "/insights?limit=50&status=new&severity=high,critical"],
        ["one of the MSP's customers (tenantId)", (i) => `/insights?limit=50&tenantId=${tenantIds[i % options.mspCustomers]}`],
        ["one week, by severity", () => `/insights?limit=50&sort=severity&from=${new Date(Date.now() - 7 * 86_400_000).toISOString()}`],
      ];
      for (const [name, path] of kinds) {
        for (const [who, api] of [["root administrator", root], ["child MSP administrator", msp]] as const) {
          const t = await timed(api, path, options.requests);
          console.log(`  ${`${name} — ${who}`.padEnd(78)} ${t.p50.toFixed(1).padStart(7)} ${t.p95.toFixed(1).padStart(7)} ${t.max.toFixed(1).padStart(7)}  ${t.total}`);
        }
      }
    } finally {
      await hub.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    await database.drop();
  }
}
