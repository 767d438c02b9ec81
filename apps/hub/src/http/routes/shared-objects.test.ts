import { DashboardListSchema, SavedSearchListSchema, type Widget } from "@canopy/api";
import { Insight, type InsightInput } from "@canopy/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FakeAgent, pairThroughApi } from "../../../test/fake-agent.js";
import { createTestHub, inviteAndAccept, login, manualClock, type Caller, type TestHub } from "../../../test/helpers.js";
import { createPostgresTestHub } from "../../../test/postgres-hub.js";

const NOW = Date.parse("2030-01-15T12:00:00Z");

const widget = (fields: Partial<Widget> & Pick<Widget, "id" | "type">): Widget => ({
  title: fields.type,
  range: "all",
  lifecycle: "created",
  refreshSeconds: 60,
  tenants: { all: true },
  layout: { x: 0, y: 0, w: 6, h: 3 },
  ...fields,
});

const insight = (id: string): InsightInput => ({ id, title: `Insight ${id}`, severity: "high", status: "new", createdAt: new Date(NOW - 60_000), updatedAt: new Date(NOW - 60_000), revision: 1 });

/** `count` insights into `tenantId` through a paired agent and the gateway. */
async function agentSends(t: TestHub, admin: Caller, tenantId: string, count: number): Promise<void> {
  const identity = await pairThroughApi(t.hub, admin, tenantId);
  const agent = new FakeAgent(await t.hub.services());
  await agent.hello(identity.agentId, identity.privateKey);
  agent.send({ type: "insights.upsert", seq: 1, insights: Array.from({ length: count }, (_, i) => Insight.parse(insight(`i${i}`))) });
  expect(await agent.connection.next("insights.ack")).toMatchObject({ seq: 1 });
}

/**
 * Organizations A, B and C under the root (each with a customer), users in each: B's shared
 * objects reach B's other users always, A's users only while A's `sharedObjectsFrom` lists B,
 * C's never; figures are always the reader's own.
 */
describe.each(["embedded", "postgres"] as const)("shared dashboards and saved searches (%s)", (kind) => {
  let t: TestHub & { close?: () => Promise<void> };
  let admin: Caller;
  const org: Record<"a" | "b" | "c" | "aCustomer" | "bCustomer", string> = { a: "", b: "", c: "", aCustomer: "", bCustomer: "" };
  let aUser: Caller;
  let bUser: Caller & { userId: string };
  let bColleague: Caller;
  let cUser: Caller;
  let bEmail: string;

  beforeEach(async () => {
    const clock = manualClock(NOW);
    t = kind === "postgres" ? await createPostgresTestHub({ clock }) : await createTestHub({ clock });
    admin = await login(t.hub);
    const mk = async (body: Record<string, unknown>) => ((await admin.post("/tenants", body)).body as { id: string }).id;
    for (const name of ["a", "b", "c"] as const) org[name] = await mk({ name: `MSP ${name.toUpperCase()}`, capabilities: [{ name: "msp" }, { name: "siem" }] });
    org.aCustomer = await mk({ name: "A's customer", parentId: org.a });
    org.bCustomer = await mk({ name: "B's customer", parentId: org.b });
    bEmail = `b-owner-${kind}@test.local`;
    aUser = await inviteAndAccept(t.hub, admin, org.a, ["Analyst"]);
    bUser = await inviteAndAccept(t.hub, admin, org.b, ["Analyst"], bEmail);
    bColleague = await inviteAndAccept(t.hub, admin, org.b, ["Analyst"]);
    cUser = await inviteAndAccept(t.hub, admin, org.c, ["Analyst"]);
  });
  afterEach(() => (t.close ? t.close() : t.hub.close()));

  const shareFromB = (ids: string[]) => admin.patch(`/tenants/${org.a}/settings`, { sharedObjectsFrom: ids });
  const dashboards = async (who: Caller) => DashboardListSchema.strict().parse((await who.get("/dashboards")).body).items;
  const searches = async (who: Caller) => SavedSearchListSchema.strict().parse((await who.get("/saved-searches")).body).items;

  it("a shared dashboard reaches its organization, and another only while that one takes shared objects from it; read-only, with the reader's figures", async () => {
    await agentSends(t, admin, org.aCustomer, 2);
    await agentSends(t, admin, org.bCustomer, 5);
    const widgets = [widget({ id: "tenants", type: "tenant-table" }), widget({ id: "status", type: "status-counts" })];
    const shared = await bUser.post("/dashboards", { name: "B's NOC wall", widgets, shared: true });
    expect(shared.status).toBe(201);
    expect(shared.body).toMatchObject({ shared: true, orgId: org.b, sharedBy: null, readOnly: false });
    const unshared = (await bUser.post("/dashboards", { name: "B's scratch", widgets })).body;
    expect(unshared.shared).toBe(false);

    // B's other users: read-only, saying whose it is.
    const colleagueSees = (await dashboards(bColleague)).filter((d) => d.sharedBy !== null);
    expect(colleagueSees).toEqual([expect.objectContaining({ id: shared.body.id, readOnly: true, sharedBy: { orgId: org.b, orgName: "MSP B", owner: bEmail } })]);

    // A's user, before A takes shared objects from B: nothing of B's, not even by id.
    expect((await dashboards(aUser)).map((d) => d.name)).toEqual(["MSSP overview"]);
    expect((await aUser.get(`/dashboards/${shared.body.id}`)).status).toBe(404);
    expect((await aUser.get(`/dashboards/${shared.body.id}/data`)).status).toBe(404);

    expect((await shareFromB([org.b])).status).toBe(200);
    const aSees = await dashboards(aUser);
    expect(aSees.map((d) => [d.name, d.readOnly, d.sharedBy?.orgName ?? null])).toEqual([
      ["MSSP overview", false, null],
      ["B's NOC wall", true, "MSP B"],
    ]);
    expect((await aUser.get(`/dashboards/${shared.body.id}`)).body).toMatchObject({ name: "B's NOC wall", readOnly: true, sharedBy: { owner: bEmail } });
    // Never one B did not share.
    expect((await aUser.get(`/dashboards/${unshared.id}`)).status).toBe(404);

    // Its figures are A's: A's tenants and their 2 insights, none of B's 5.
    const rowsOf = (data: { widgets: { widgetId: string; data: { rows: Record<string, unknown>[] } }[] }, id: string) => data.widgets.find((w) => w.widgetId === id)!.data.rows;
    const forA = (await aUser.get(`/dashboards/${shared.body.id}/data`)).body;
    expect(rowsOf(forA, "tenants").map((r) => r.tenant).sort()).toEqual(["A's customer", "MSP A"]);
    expect(rowsOf(forA, "status").reduce((sum, r) => sum + (r.value as number), 0)).toBe(2);
    const forB = (await bUser.get(`/dashboards/${shared.body.id}/data`)).body;
    expect(rowsOf(forB, "tenants").map((r) => r.tenant).sort()).toEqual(["B's customer", "MSP B"]);
    expect(rowsOf(forB, "status").reduce((sum, r) => sum + (r.value as number), 0)).toBe(5);
    const one = (await aUser.get(`/dashboards/${shared.body.id}/widgets/tenants/data`)).body;
    expect(one.data.rows.map((r: { tenant: string }) => r.tenant).sort()).toEqual(["A's customer", "MSP A"]);
    expect((await aUser.get(`/dashboards/${shared.body.id}/export.xlsx`)).status).toBe(200);

    // Read-only: neither saved nor deleted by A's user; it stays as B left it.
    expect((await aUser.request("PUT", `/dashboards/${shared.body.id}`, { name: "mine now", widgets: [] })).status).toBe(404);
    expect((await aUser.delete(`/dashboards/${shared.body.id}`)).status).toBe(404);
    expect((await bUser.get(`/dashboards/${shared.body.id}`)).body).toMatchObject({ name: "B's NOC wall", sharedBy: null, readOnly: false });

    // C does not take shared objects from B: never sees it.
    expect((await dashboards(cUser)).map((d) => d.name)).toEqual(["MSSP overview"]);
    expect((await cUser.get(`/dashboards/${shared.body.id}`)).status).toBe(404);
    expect((await cUser.get(`/dashboards/${shared.body.id}/widgets/tenants/data`)).status).toBe(404);
    expect((await cUser.get(`/dashboards/${shared.body.id}/export.pdf`)).status).toBe(404);
    // The root has no settings: it sees its own organization's shared dashboards, not B's.
    expect((await dashboards(admin)).map((d) => d.name)).toEqual(["MSSP overview"]);

    // Taken off A's list: gone at once.
    expect((await shareFromB([])).status).toBe(200);
    expect((await dashboards(aUser)).map((d) => d.name)).toEqual(["MSSP overview"]);
    expect((await aUser.get(`/dashboards/${shared.body.id}/data`)).status).toBe(404);

    // Unshared by its owner: gone from its organization's other users too.
    expect((await bUser.request("PUT", `/dashboards/${shared.body.id}`, { name: "B's NOC wall", widgets, shared: false })).body.shared).toBe(false);
    expect((await dashboards(bColleague)).filter((d) => d.sharedBy !== null)).toEqual([]);
    expect((await bColleague.get(`/dashboards/${shared.body.id}`)).status).toBe(404);
  });

  it("saved searches: checked as GET /insights checks its query, audited, shared by the same rule, deleted by their owner only", async () => {
    const bad = await bUser.post("/saved-searches", { name: "x".repeat(101), query: "severity=bogus" });
    expect(bad.status).toBe(422);
    expect(bad.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["name", "query"]);
    expect((await bUser.post("/saved-searches", { name: "long", query: `q=${"a".repeat(2001)}` })).status).toBe(422);

    const saved = await bUser.post("/saved-searches", { name: "Critical, new", query: "?severity=critical&status=new,in_progress", shared: true });
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({ name: "Critical, new", query: "severity=critical&status=new,in_progress", shared: true, orgId: org.b, sharedBy: null, readOnly: false });
    const mine = (await bUser.post("/saved-searches", { name: "B's own", query: "assignee=ana" })).body;
    expect(mine.shared).toBe(false);
    expect((await searches(bUser)).map((s) => [s.name, s.readOnly])).toEqual([
      ["Critical, new", false],
      ["B's own", false],
    ]);
    expect((await searches(bColleague)).map((s) => [s.name, s.readOnly, s.sharedBy?.owner])).toEqual([["Critical, new", true, bEmail]]);

    expect(await searches(aUser)).toEqual([]);
    await shareFromB([org.b]);
    expect((await searches(aUser)).map((s) => [s.name, s.query, s.sharedBy?.orgName])).toEqual([["Critical, new", "severity=critical&status=new,in_progress", "MSP B"]]);
    expect(await searches(cUser)).toEqual([]);
    expect((await aUser.delete(`/saved-searches/${saved.body.id}`)).status).toBe(404);
    expect((await cUser.delete(`/saved-searches/${saved.body.id}`)).status).toBe(404);
    expect((await aUser.request("PUT", `/saved-searches/${saved.body.id}`, { name: "mine", query: "", shared: false })).status).toBe(404);

    // Its owner renames it, then deletes it: gone for everyone.
    const renamed = await bUser.request("PUT", `/saved-searches/${saved.body.id}`, { name: "Critical", query: "severity=critical", shared: true });
    expect(renamed.body).toMatchObject({ name: "Critical", query: "severity=critical" });
    expect((await searches(aUser)).map((s) => s.name)).toEqual(["Critical"]);
    expect((await bUser.delete(`/saved-searches/${saved.body.id}`)).status).toBe(204);
    expect(await searches(aUser)).toEqual([]);
    expect((await bUser.delete(`/saved-searches/${saved.body.id}`)).status).toBe(404);

    const audit = (await admin.get("/audit?limit=100")).body.items.filter((e: { action: string }) => e.action.startsWith("saved-search."));
    expect(audit.map((e: { action: string; actor: string; target: string }) => [e.action, e.actor, e.target])).toEqual([
      ["saved-search.delete", bEmail, `saved-search:${saved.body.id}`],
      ["saved-search.update", bEmail, `saved-search:${saved.body.id}`],
      ["saved-search.create", bEmail, `saved-search:${mine.id}`],
      ["saved-search.create", bEmail, `saved-search:${saved.body.id}`],
    ]);

    // A user's searches go with them.
    expect((await admin.delete(`/users/${bUser.userId}`)).status).toBe(204);
    expect(await searches(bColleague)).toEqual([]);
  });
});
