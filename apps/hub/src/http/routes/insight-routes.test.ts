import { insightJson } from "@canopy/api";
import type { Insight } from "@canopy/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeAgent, pairThroughApi, type PairedIdentity } from "../../../test/fake-agent.js";
import { Caller, createTestHub, login, loginAs, type TestHub } from "../../../test/helpers.js";
import { makeInsight, seededRandom } from "../../../test/insight-fixtures.js";
import { createPostgresTestHub } from "../../../test/postgres-hub.js";

// The same answers whichever repository holds the insights.
describe.each(["embedded", "postgres"] as const)("insights API (%s)", (kind) => {
  let t: TestHub & { close?: () => Promise<void> };
  let admin: Caller;
  let acme: PairedIdentity;
  let agent: FakeAgent;
  let seq = 0;
  const random = seededRandom(5);
  const insight = (n: number, overrides: Partial<Insight> = {}) =>
    makeInsight(random, n, {
      status: "new",
      closedAt: null,
      assignee: null,
      ruleId: `rule-${n}`,
      ruleName: null,
      hosts: [`host-${n}`],
      users: ["analyst"],
      ...overrides,
    });

  /** Sends a batch through the real gateway session and waits for its ack. */
  async function upsert(from: FakeAgent, insights: Insight[]): Promise<void> {
    const mine = ++seq;
    from.send({ type: "insights.upsert", seq: mine, insights });
    await from.connection.next("insights.ack", (m) => m.seq === mine);
  }

  async function pairedTenant(name: string): Promise<{ identity: PairedIdentity; agent: FakeAgent }> {
    const { id } = (await admin.post("/tenants", { name })).body;
    const identity = await pairThroughApi(t.hub, admin, id);
    const connected = new FakeAgent(await t.hub.services());
    await connected.hello(identity.agentId, identity.privateKey);
    return { identity, agent: connected };
  }

  beforeEach(async () => {
    t = kind === "postgres" ? await createPostgresTestHub({ rpcTimeoutMs: 200 }) : await createTestHub({ rpcTimeoutMs: 200 });
    admin = await login(t.hub);
    ({ identity: acme, agent } = await pairedTenant("Acme"));
    await upsert(agent, [
      insight(1, { title: "Credential dump on dc-01", severity: "critical", tactics: ["credential-access"], techniques: ["T1003.001"] }),
      insight(2, { title: "Encoded PowerShell", severity: "high", status: "in_progress", tactics: ["execution"], techniques: ["T1059.001"] }),
      insight(3, { title: "Quiet login", severity: "low", tactics: ["initial-access"], techniques: ["T1078"] }),
    ]);
  });
  afterEach(() => {
    vi.useRealTimers();
    return t.close ? t.close() : t.hub.close();
  });

  const id = (n: number, tenantId = acme.tenantId) => `${tenantId}~ins-${String(n).padStart(6, "0")}`;

  it("needs a session or key (401) and lets viewers read but not write (403)", async () => {
    const anonymous = new Caller(t.hub);
    expect((await anonymous.get("/insights")).status).toBe(401);
    expect((await anonymous.get(`/insights/${id(1)}`)).status).toBe(401);
    const viewer = await loginAs(t.hub, "viewer");
    expect((await viewer.get("/insights")).body.total).toBe(3);
    expect((await viewer.get(`/insights/${id(1)}`)).status).toBe(200);
    const denied = await viewer.patch(`/insights/${id(1)}`, { status: "closed" });
    expect(denied.status).toBe(403);
    expect(denied.headers.get("content-type")).toContain("application/problem+json");
    expect((await viewer.post("/insights/bulk", { ids: [id(1)], status: "closed" })).status).toBe(403);
    const operator = await loginAs(t.hub, "operator");
    expect((await operator.patch(`/insights/${id(1)}`, { status: "closed" })).status).toBe(202);
  });

  it("filters by lists (comma or repeated), searches word prefixes, sorts and pages", async () => {
    const { identity: globex, agent: other } = await pairedTenant("Globex");
    await upsert(other, Array.from({ length: 7 }, (_, n) => insight(10 + n, { severity: "medium", title: `Globex finding ${n}`, tactics: ["discovery"], techniques: ["T1047"] })));

    const both = (await admin.get(`/insights?tenantId=${acme.tenantId},${globex.tenantId}&limit=200`)).body;
    expect(both.total).toBe(10);
    const repeated = (await admin.get(`/insights?severity=critical&severity=high`)).body;
    expect(repeated.items.map((i: { localId: string }) => i.localId).sort()).toEqual(["ins-000001", "ins-000002"]);
    expect((await admin.get("/insights?technique=T1003")).body.items.map((i: { localId: string }) => i.localId)).toEqual(["ins-000001"]);
    expect((await admin.get("/insights?tactic=execution&status=in_progress")).body.total).toBe(1);
    expect((await admin.get("/insights?q=powersh")).body.items).toEqual([expect.objectContaining({ localId: "ins-000002", tenantName: "Acme" })]);
    expect((await admin.get("/insights?q=globex%20fin")).body.total).toBe(7);

    const bySeverity = (await admin.get(`/insights?sort=severity&order=desc&tenantId=${acme.tenantId}`)).body;
    expect(bySeverity.items.map((i: { severity: string }) => i.severity)).toEqual(["critical", "high", "low"]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null; total: number } = (
        await admin.get(`/insights?limit=3&sort=createdAt&order=asc${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`)
      ).body;
      expect(page.total).toBe(10);
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(10);

    const from = "2000-01-01T00:00:00Z";
    expect((await admin.get(`/insights?from=${from}&to=2001-01-01T00:00:00Z`)).body.total).toBe(0);
    expect((await admin.get(`/insights?from=${from}&timeField=updatedAt`)).body.total).toBe(10);
    expect((await admin.get(`/insights?timeField=closedAt&from=${from}`)).body.total).toBe(0);
  });

  it("refuses bad queries and bodies with 422 problems", async () => {
    for (const query of ["status=open", "severity=huge", "sort=title", "limit=0", "from=yesterday", "cursor=notacursor"]) {
      const res = await admin.get(`/insights?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.headers.get("content-type")).toContain("application/problem+json");
    }
    const created = (await admin.get("/insights?limit=1")).body.nextCursor;
    expect((await admin.get(`/insights?limit=1&sort=severity&cursor=${created}`)).body.detail).toMatch(/another sort order/);
    expect((await admin.patch(`/insights/${id(1)}`, {})).status).toBe(422);
    expect((await admin.patch(`/insights/${id(1)}`, { status: "done" })).status).toBe(422);
    expect((await admin.patch(`/insights/${id(1)}`, { comment: "   " })).status).toBe(422);
    expect((await admin.patch(`/insights/${id(1)}`, { status: "closed", tenantId: "tnt_other" })).status).toBe(422);
    expect((await admin.post("/insights/bulk", { ids: [], status: "closed" })).status).toBe(422);
  });

  it("answers 404 for unknown insights and 409 when the tenant has no paired agent", async () => {
    expect((await admin.get(`/insights/${id(99)}`)).status).toBe(404);
    expect((await admin.get("/insights/not-a-hub-id")).status).toBe(404);
    const missing = await admin.patch(`/insights/${id(99)}`, { status: "closed" });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: "not_found", type: "urn:canopy:problem:not_found" });

    await admin.post(`/tenants/${acme.tenantId}/unpair`);
    const conflict = await admin.patch(`/insights/${id(1)}`, { status: "closed" });
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe("not_paired");
    // The hub's copy stays readable.
    expect((await admin.get(`/insights/${id(1)}`)).body.title).toBe("Credential dump on dc-01");
  });

  it("PATCH records a pending update, sends it, audits it, and leaves out what is already so", async () => {
    const res = await admin.patch(`/insights/${id(3)}`, { status: "closed", assignee: "  Ana@MSSP.example ", comment: "benign" });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id: id(3), status: "new", pending: { status: "closed", assignee: "Ana@MSSP.example", comments: 1, delivery: "sent" } });
    const frame = agent.connection.last("insight.update")!;
    expect(frame.updates).toEqual([
      expect.objectContaining({
        insightId: "ins-000003",
        actor: "admin@test.local",
        changes: { status: "closed", assignee: "Ana@MSSP.example", comment: expect.objectContaining({ author: "admin@test.local", body: "benign" }) },
      }),
    ]);
    const audit = (await admin.get("/audit?action=insight.update")).body.items[0];
    expect(audit).toMatchObject({ target: `insight:${id(3)}`, detail: { status: "closed", updateId: frame.updates[0]!.updateId } });

    // Already `new`, nothing on its way: no update at all.
    const sentBefore = agent.connection.sent.length;
    const noop = await admin.patch(`/insights/${id(1)}`, { status: "new" });
    expect(noop.status).toBe(202);
    expect(noop.body.pending).toBeNull();
    expect(agent.connection.sent.length).toBe(sentBefore);
  });

  it("bulk changes many insights of several tenants: sent, queued, not found", async () => {
    const { identity: globex, agent: other } = await pairedTenant("Globex");
    await upsert(other, [insight(20), insight(21)]);
    other.dropped();
    const res = await admin.post("/insights/bulk", { ids: [id(1), id(2), id(3), id(20, globex.tenantId), id(21, globex.tenantId), id(404)], status: "in_progress" });
    expect(res.status).toBe(202);
    // ins-000002 is in progress already: accepted, but nothing to send.
    expect(res.body).toEqual({ accepted: 5, sent: 2, queued: 2, notFound: [id(404)] });
    expect(agent.connection.last("insight.update")!.updates.map((u) => u.insightId).sort()).toEqual(["ins-000001", "ins-000003"]);
    expect((await admin.get(`/insights/${id(20, globex.tenantId)}`)).body.pending).toMatchObject({ status: "in_progress", delivery: "queued" });
    expect((await admin.get("/audit?action=insight.bulk_update")).body.items[0]).toMatchObject({ actor: "admin@test.local", detail: { count: 4, tenants: 2 } });
  });

  it("fetches one insight live from the tenant's agent: 200, 404 when it has none, 409 offline, 504 silent", async () => {
    const live = insight(1, { title: "As the agent has it now", revision: 7 });
    const asked = admin.get(`/tenants/${acme.tenantId}/insights/ins-000001`);
    const request = await agent.connection.next("rpc.req");
    expect(request).toMatchObject({ method: "insight.get", params: { id: "ins-000001" } });
    agent.send({ type: "rpc.res", id: request.id, ok: true, result: { found: true, insight: live } });
    const res = await asked;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tenantId: acme.tenantId, tenantName: "Acme", insight: insightJson(live) });

    const absent = admin.get(`/tenants/${acme.tenantId}/insights/ins-000404`);
    const second = await agent.connection.next("rpc.req", (m) => m.id !== request.id);
    agent.send({ type: "rpc.res", id: second.id, ok: true, result: { found: false, insight: null } });
    expect((await absent).status).toBe(404);

    // The agent stays silent: the hub gives up after rpcTimeoutMs, on virtual time.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const silent = admin.get(`/tenants/${acme.tenantId}/insights/ins-000001`);
    await agent.connection.next("rpc.req", (m) => m.id !== request.id && m.id !== second.id);
    vi.advanceTimersByTime(200);
    expect((await silent).status).toBe(504);
    vi.useRealTimers();
    expect((await admin.get(`/tenants/${acme.tenantId}/insights/bad%20id`)).status).toBe(422);
    expect((await admin.get(`/tenants/tnt_nobody00000000/insights/ins-000001`)).status).toBe(404);
    agent.dropped();
    const offline = await admin.get(`/tenants/${acme.tenantId}/insights/ins-000001`);
    expect(offline.status).toBe(409);
    expect(offline.body.code).toBe("tenant_offline");
  });

  it("is described in the OpenAPI document", async () => {
    const doc = (await admin.get("/openapi.json")).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/insights", "/insights/{id}", "/insights/bulk", "/tenants/{id}/insights/{localId}"]));
    expect(Object.keys(doc.paths["/insights/{id}"])).toEqual(expect.arrayContaining(["get", "patch"]));
    expect(doc.paths["/insights/{id}"].patch.responses).toHaveProperty("409");
    expect(doc.components.schemas).toHaveProperty("InsightSummary");
  });
});
