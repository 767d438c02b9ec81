// `pnpm --filter @canopy/test-bench bench:org-scope [-- --store postgres|embedded]`: what a child
// MSP's scope costs a list. The hub holds `tenants` x `perTenant` insights (on PostgreSQL: seeded
// in the database; embedded: ingested through real agents); `mspCustomers` of the tenants are the
// customers of one child MSP, the rest the root's. Prints `GET /insights` p50/p95/max for the
// root's administrator and for the child MSP's (who sees only its customers'), first pages and a
// filtered board column, and the total each sees. Asserts nothing.
import { mkdtemp, rm } from "node:fs/promises";
import { generateDemoInsights, type createAgent } from "@canopy/agent";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { benchDatabase } from "./bench-database.js";
import { signIn, startBenchHub, type HubApi } from "./bench-hub.js";
import { pairAndIngest } from "./insights.js";
import { seed } from "./insights-postgres.js";
import { percentile } from "./processes.js";
import type { Server } from "./processes.js";

export interface OrgScopeBenchOptions {
  tenants: number;
  perTenant: number;
  mspCustomers: number;
  requests: number;
  store: "postgres" | "embedded";
  adminUrl?: string | undefined;
}

const MSP_EMAIL = "msp-admin@bench.local";
const MSP_PASSWORD = "bench msp password";
const tenantName = (i: number) => `Org bench ${String(i).padStart(4, "0")}`;

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

/** The child MSP and its administrator's invitation; answers the MSP's id and the invitation's token. */
async function childMsp(api: HubApi): Promise<{ mspId: string; token: string }> {
  const msp = await api<{ id: string }>("POST", "/tenants", { name: "Bench child MSP", capabilities: [{ name: "msp" }, { name: "siem" }] });
  const invited = await api<{ inviteUrl: string }>("POST", "/users", { email: MSP_EMAIL, orgId: msp.id, roles: ["Manage organization"] });
  return { mspId: msp.id, token: new URL(invited.inviteUrl).hash.replace("#token=", "") };
}

async function report(hubUrl: string, mspToken: string, tenantIds: string[], options: OrgScopeBenchOptions): Promise<void> {
  const root = await signIn(hubUrl);
  const msp = await signIn(hubUrl, { email: MSP_EMAIL, password: MSP_PASSWORD, acceptToken: mspToken });
  const store = options.store === "postgres" ? "PostgreSQL" : "the embedded store";
  console.log(`\n${options.tenants} tenants x ${options.perTenant} insights on ${store}; the child MSP has ${options.mspCustomers} of them. GET /insights, ${options.requests} calls each (p50 / p95 / max ms, total seen):`);
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
}

async function onPostgres(options: OrgScopeBenchOptions, dir: string): Promise<void> {
  const database = await benchDatabase(options.adminUrl);
  try {
    const tenantIds: string[] = [];
    let mspToken = "";
    const setup = await hubOn(dir, database.url);
    try {
      const api = await signIn(setup.url);
      const { mspId, token } = await childMsp(api);
      mspToken = token;
      for (let i = 0; i < options.tenants; i++) {
        tenantIds.push((await api<{ id: string }>("POST", "/tenants", { name: tenantName(i), ...(i < options.mspCustomers ? { parentId: mspId } : {}) })).id);
      }
    } finally {
      await setup.stop();
    }
    await seed(database.url, tenantIds, options.perTenant);
    const hub = await hubOn(dir, database.url);
    try {
      await report(hub.url, mspToken, tenantIds, options);
    } finally {
      await hub.stop();
    }
  } finally {
    await database.drop();
  }
}

/** Embedded: the insights arrive as they would, from a real agent per tenant. */
async function onEmbedded(options: OrgScopeBenchOptions, dir: string): Promise<void> {
  const hub = await startBenchHub(dir);
  const agents: ReturnType<typeof createAgent>[] = new Array<ReturnType<typeof createAgent>>(options.tenants);
  try {
    const api = await signIn(hub.url);
    const { mspId, token } = await childMsp(api);
    const tenantIds: string[] = new Array<string>(options.tenants);
    const demo = await generateDemoInsights({ count: options.tenants * options.perTenant, seed: "org-scope-bench", now: new Date() });
    await pairAndIngest(hub, api, options, demo, dir, tenantIds, agents, (i) => ({ name: tenantName(i), ...(i < options.mspCustomers ? { parentId: mspId } : {}) }));
    await report(hub.url, token, tenantIds, options);
  } finally {
    await Promise.all(agents.filter(Boolean).map((agent) => agent.stop()));
    await hub.stop();
  }
}

export async function orgScopeBench(options: OrgScopeBenchOptions): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "canopy-bench-org-"));
  try {
    await (options.store === "postgres" ? onPostgres(options, dir) : onEmbedded(options, dir));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
