import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  agentInsights,
  bulkInsights,
  getInsight,
  hubInsightId,
  importInsights,
  insightLines,
  listAllInsights,
  listInsights,
  patchInsight,
  waitForAcknowledged,
  waitForInsightTotal,
  writeNdjson,
} from "../harness/insights.js";
import { ADMIN_EMAIL } from "../harness/hub-process.js";
import { Scenario, type PairedAgent } from "../harness/scenario.js";
import { waitFor } from "../harness/wait.js";

describe("federated insights from three tenants", () => {
  let scenario: Scenario;
  let acme: PairedAgent;
  let globex: PairedAgent;
  let initech: PairedAgent;
  const PER_TENANT = { acme: 40, globex: 25, initech: 15 };
  const TOTAL = PER_TENANT.acme + PER_TENANT.globex + PER_TENANT.initech;

  beforeAll(async () => {
    scenario = await Scenario.start();
    acme = await scenario.addAgent("Acme Insights", "process");
    globex = await scenario.addAgent("Globex Insights", "process");
    initech = await scenario.addAgent("Initech Insights", "in-process");
    for (const a of [acme, globex, initech]) await scenario.api.waitForStatus(a.tenant.id, "online");
    // Two agents import while running (through their loopback ingest), one with its agent stopped
    // (straight into its store; its outbox delivers on the next start).
    await importInsights(acme.dataDir, await writeNdjson(scenario.dir("acme.ndjson"), insightLines("acme", PER_TENANT.acme)));
    await importInsights(globex.dataDir, await writeNdjson(scenario.dir("globex.ndjson"), insightLines("globex", PER_TENANT.globex)));
    await initech.agent!.stop();
    await importInsights(initech.dataDir, await writeNdjson(scenario.dir("initech.ndjson"), insightLines("initech", PER_TENANT.initech)));
    await initech.agent!.start();
    await waitForInsightTotal(scenario.api, TOTAL);
  });
  afterAll(() => scenario?.close());

  it("lists every tenant's insights with their tenant names, newest first", async () => {
    const all = await listAllInsights(scenario.api, { limit: 200 });
    expect(all).toHaveLength(TOTAL);
    const byTenant = new Map<string, number>();
    for (const i of all) byTenant.set(i.tenantName, (byTenant.get(i.tenantName) ?? 0) + 1);
    expect(Object.fromEntries(byTenant)).toEqual({ "Acme Insights": 40, "Globex Insights": 25, "Initech Insights": 15 });
    const times = all.map((i) => Date.parse(i.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const one = all.find((i) => i.localId === "globex-0003")!;
    expect(one).toMatchObject({ id: hubInsightId(globex.tenant.id, "globex-0003"), tenantId: globex.tenant.id, severity: "critical", status: "new" });
    expect(one.techniques).toEqual(["T1021.002"]);
  });

  it("filters by tenant, severity, status, technique, text and time, and totals match", async () => {
    const acmeHigh = await listAllInsights(scenario.api, { tenantId: acme.tenant.id, severity: "high,critical" });
    expect(acmeHigh).toHaveLength(20);
    expect(new Set(acmeHigh.map((i) => i.severity))).toEqual(new Set(["high", "critical"]));
    expect(acmeHigh.every((i) => i.tenantId === acme.tenant.id)).toBe(true);

    const twoTenants = await listInsights(scenario.api, { tenantId: `${globex.tenant.id},${initech.tenant.id}`, limit: 5 });
    expect(twoTenants.total).toBe(40);
    expect(twoTenants.items).toHaveLength(5);

    const lsass = await listAllInsights(scenario.api, { technique: "T1003.001" });
    expect(lsass).toHaveLength(10 + 7 + 4);
    expect(lsass.every((i) => i.techniques.includes("T1003.001"))).toBe(true);

    const text = await listAllInsights(scenario.api, { q: "powershell globex" });
    expect(text.length).toBeGreaterThan(0);
    expect(text.every((i) => i.tenantId === globex.tenant.id && /PowerShell/.test(i.title))).toBe(true);

    // The newest ten minutes of every tenant: indexes 0..9 of each (createdAt steps one minute back).
    const newest = Math.max(...(await listInsights(scenario.api, { limit: 1 })).items.map((i) => Date.parse(i.createdAt)));
    const recent = await listInsights(scenario.api, { from: new Date(newest - 9.5 * 60_000).toISOString(), limit: 200 });
    expect(recent.total).toBeGreaterThanOrEqual(10);
    expect(recent.items.every((i) => Date.parse(i.createdAt) >= newest - 9.5 * 60_000)).toBe(true);

    expect((await listInsights(scenario.api, { status: "closed" })).total).toBe(0);
  });

  it("pages with a cursor without gaps or repeats, in any sort order", async () => {
    const queries: Record<string, string | number>[] = [{ limit: 7 }, { limit: 9, sort: "severity", order: "desc" }, { limit: 11, sort: "updatedAt", order: "asc" }];
    for (const query of queries) {
      const pages: number[] = [];
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await listInsights(scenario.api, cursor ? { ...query, cursor } : query);
        expect(page.total).toBe(TOTAL);
        pages.push(page.items.length);
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(TOTAL);
      expect(pages.slice(0, -1).every((n) => n === query.limit)).toBe(true);
    }
    const bySeverity = await listAllInsights(scenario.api, { sort: "severity", order: "desc", limit: 50 });
    const rank = { low: 0, medium: 1, high: 2, critical: 3 } as const;
    const ranks = bySeverity.map((i) => rank[i.severity]);
    expect(ranks).toEqual([...ranks].sort((a, b) => b - a));
  });

  it("refuses bad filters with a clear 422", async () => {
    await expect(listInsights(scenario.api, { status: "done" })).rejects.toMatchObject({ status: 422 });
    await expect(listInsights(scenario.api, { limit: 100_000 })).rejects.toMatchObject({ status: 422 });
  });

  it("a status change from the hub shows in that agent's insights list, and nowhere else", async () => {
    const id = hubInsightId(acme.tenant.id, "acme-0005");
    const accepted = await patchInsight(scenario.api, id, { status: "in_progress", assignee: "analyst@mssp.example", comment: "Looking into it" });
    expect(accepted.pending).toMatchObject({ status: "in_progress", delivery: "sent" });
    const acked = await waitForAcknowledged(scenario.api, id);
    expect(acked).toMatchObject({ status: "in_progress", assignee: "analyst@mssp.example" });
    expect(acked.comments.map((c) => c.body)).toEqual(["Looking into it"]);
    expect(acked.comments[0]!.author).toBe(ADMIN_EMAIL);

    const held = (await agentInsights(acme.dataDir)).find((i) => i.id === "acme-0005")!;
    expect(held).toMatchObject({ status: "in_progress", assignee: "analyst@mssp.example" });
    expect(held.comments.map((c) => c.body)).toEqual(["Looking into it"]);
    // The same local id elsewhere is another tenant's: untouched.
    const otherTenant = await agentInsights(globex.dataDir);
    expect(otherTenant.every((i) => i.status === "new")).toBe(true);

    const closed = await patchInsight(scenario.api, id, { status: "closed" });
    expect(closed.status).toBe("in_progress"); // the list shows acknowledged values until the agent answers
    const done = await waitForAcknowledged(scenario.api, id);
    expect(done.status).toBe("closed");
    expect(done.closedAt).not.toBeNull();
    expect((await listInsights(scenario.api, { status: "closed" })).items.map((i) => i.id)).toEqual([id]);
  });

  it("bulk changes reach every tenant concerned", async () => {
    const ids = [hubInsightId(globex.tenant.id, "globex-0001"), hubInsightId(initech.tenant.id, "initech-0002"), hubInsightId(initech.tenant.id, "initech-0003")];
    const result = await bulkInsights(scenario.api, { ids: [...ids, hubInsightId(initech.tenant.id, "no-such")], status: "in_progress" });
    expect(result).toMatchObject({ accepted: 3, notFound: [hubInsightId(initech.tenant.id, "no-such")] });
    for (const id of ids) expect((await waitForAcknowledged(scenario.api, id)).status).toBe("in_progress");
    await waitFor("initech's agent to hold both changes", async () => {
      const held = await agentInsights(initech.dataDir);
      return held.filter((i) => i.status === "in_progress").length === 2;
    });
    expect((await agentInsights(globex.dataDir)).find((i) => i.id === "globex-0001")!.status).toBe("in_progress");
  });

  it("opens an insight in its tenant, fetched live from the agent", async () => {
    const live = await scenario.api.request<{ tenantId: string; fetchedAt: string; insight: { id: string; title: string; status: string } }>(
      "GET",
      `/tenants/${globex.tenant.id}/insights/globex-0001`,
    );
    expect(live.tenantId).toBe(globex.tenant.id);
    expect(live.insight).toMatchObject({ id: "globex-0001", status: "in_progress" });
    await expect(scenario.api.request("GET", `/tenants/${globex.tenant.id}/insights/missing-1`)).rejects.toMatchObject({ status: 404 });
  });

  it("a viewer can read insights but not change them", async () => {
    const detail = await getInsight(scenario.api, hubInsightId(acme.tenant.id, "acme-0001"));
    expect(detail.description).toContain("insight 1 of acme");
    const key = await scenario.api.request<{ key: string }>("POST", "/api-keys", { name: "viewer", role: "viewer" });
    const asViewer = (method: string, path: string, body?: unknown) =>
      fetch(new URL(`/api/v1${path}`, scenario.hub.url), {
        method,
        headers: { authorization: `Bearer ${key.key}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await asViewer("GET", "/insights?limit=1")).status).toBe(200);
    expect((await asViewer("PATCH", `/insights/${hubInsightId(acme.tenant.id, "acme-0001")}`, { status: "closed" })).status).toBe(403);
  });
});
