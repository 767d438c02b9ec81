import { DryRunPlanSchema, PushListSchema, PushSchema, PushSummarySchema } from "@canopy/api";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GatewayContentAgent, settled } from "../../../test/gateway-content-agent.js";
import { createTestHub, login, loginAs, type Caller, type TestHub } from "../../../test/helpers.js";

const field = (name: string, extra: Record<string, unknown> = {}) => ({ name, type: "select", appliesTo: "incident", options: ["low", "high"], ...extra });

describe("push routes", () => {
  let t: TestHub;
  let admin: Caller;
  let tenantA: string;
  let tenantB: string;
  beforeEach(async () => {
    t = await createTestHub();
    admin = await login(t.hub);
    tenantA = (await admin.post("/tenants", { name: "Acme", tags: ["eu"] })).body.id;
    tenantB = (await admin.post("/tenants", { name: "Globex", tags: ["us"] })).body.id;
  });
  afterEach(() => t.hub.close());

  it("push through the gateway: 202, batches to the agent, its acks complete the push; GET parses as Push", async () => {
    const agent = await GatewayContentAgent.connect(t.hub, admin, tenantA);
    const item = (await admin.post("/content/custom-fields", field("Severity"))).body;
    const created = await admin.post("/pushes", { items: [{ kind: "custom-fields", id: item.id }], targets: { tenants: [tenantA] } });
    expect(created.status).toBe(202);
    const pushId = created.body.id as string;

    await settled(t.hub);
    const [batch] = agent.batches();
    expect(batch).toMatchObject({ pushId, items: [{ kind: "custom-field", name: "Severity", revision: 1, hash: item.hash, body: field("Severity") }] });
    agent.ackAll();
    await settled(t.hub);

    const push = await admin.get(`/pushes/${pushId}`);
    expect(push.status).toBe(200);
    expect(push.headers.get("content-type")).toMatch(/application\/json/);
    expect(PushSchema.strict().parse(push.body)).toMatchObject({
      id: pushId,
      type: "push",
      state: "completed",
      createdBy: "admin@test.local",
      title: "Severity",
      progress: { total: 1, applied: 1, pending: 0 },
      items: [{ kind: "custom-field", id: item.id, name: "Severity", revision: 1 }],
      results: [{ tenantId: tenantA, kind: "custom-field", name: "Severity", status: "applied" }],
    });
    expect((await admin.get(`/content/custom-fields/${item.id}`)).body.sync).toMatchObject({
      synchronized: true,
      total: 1,
      applied: 1,
      tenants: [{ tenantId: tenantA, tenantName: "Acme", state: "applied", revision: 1 }],
    });
    const audit = (await admin.get("/audit?action=push.create")).body.items;
    expect(audit[0]).toMatchObject({ actor: "admin@test.local", target: `push:${pushId}`, detail: { items: 1, tenants: 1 } });
  });

  it("a dry run answers the plan (200) and changes nothing", async () => {
    const item = (await admin.post("/content/custom-fields", field("Plan Me"))).body;
    const res = await admin.post("/pushes", { items: [{ kind: "custom-fields", id: item.id }], targets: { tags: ["us"] }, dryRun: true });
    expect(res.status).toBe(200);
    expect(DryRunPlanSchema.strict().parse(res.body)).toEqual({
      dryRun: true,
      plan: [{ tenantId: tenantB, tenantName: "Globex", kind: "custom-field", name: "Plan Me", action: "create" }],
      missingDependencies: [],
    });
    expect((await admin.get("/pushes")).body.items).toEqual([]);
  });

  it("refuses invalid requests with field paths", async () => {
    const item = (await admin.post("/content/custom-fields", field("Valid"))).body;
    const cases: [unknown, string[]][] = [
      [{ items: [], targets: { all: true } }, ["items"]],
      [{ items: [{ kind: "custom-fields", id: item.id }], targets: { all: true, tenants: [tenantA] } }, ["targets"]],
      [{ items: [{ kind: "widgets", id: item.id }], targets: { all: true } }, ["items.0.kind"]],
      [{ items: [{ kind: "custom-fields", id: item.id }], targets: { tenants: ["tnt_missing"] } }, ["targets.tenants.0"]],
      [{ items: [{ kind: "playbooks", id: item.id }], targets: { all: true } }, ["items.0.id"]],
      [{ items: [{ kind: "custom-fields", id: item.id }], targets: { tags: ["nobody"] } }, ["targets"]],
      [{ items: [{ kind: "custom-fields", id: item.id }], targets: { all: true }, options: { scheduledSearches: "maybe" } }, ["options.scheduledSearches"]],
    ];
    for (const [body, paths] of cases) {
      const res = await admin.post("/pushes", body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.errors.map((e: { path: string }) => e.path), JSON.stringify(res.body)).toEqual(expect.arrayContaining(paths));
    }
  });

  it("viewers read the history; pushing, retrying, stopping and rolling back need an operator", async () => {
    const viewer = await loginAs(t.hub, "viewer");
    const operator = await loginAs(t.hub, "operator");
    const item = (await admin.post("/content/custom-fields", field("Roles"))).body;
    const body = { items: [{ kind: "custom-fields", id: item.id }], targets: { all: true } };
    expect((await viewer.post("/pushes", body)).status).toBe(403);
    const { id } = (await operator.post("/pushes", body)).body;
    expect((await viewer.get("/pushes")).status).toBe(200);
    expect((await viewer.get(`/pushes/${id}`)).status).toBe(200);
    expect((await viewer.post(`/pushes/${id}/stop`)).status).toBe(403);
    expect((await viewer.post(`/pushes/${id}/retry`)).status).toBe(403);
    expect((await viewer.post(`/content/custom-fields/${item.id}/rollback`, { revision: 1 })).status).toBe(403);
  });

  it("history: newest first, paged, filtered by creator, tenant, kind and item", async () => {
    const operator = await loginAs(t.hub, "operator");
    const one = (await admin.post("/content/custom-fields", field("One"))).body;
    const two = (await admin.post("/content/custom-fields", field("Two"))).body;
    const ids: string[] = [];
    ids.push((await admin.post("/pushes", { items: [{ kind: "custom-fields", id: one.id }], targets: { tenants: [tenantA] } })).body.id);
    ids.push((await operator.post("/pushes", { items: [{ kind: "custom-fields", id: two.id }], targets: { tenants: [tenantB] } })).body.id);
    ids.push((await admin.post("/pushes", { items: [{ kind: "custom-fields", id: one.id }], targets: { all: true } })).body.id);

    const all = PushListSchema.parse((await admin.get("/pushes")).body);
    expect(all.items.map((p) => p.id)).toEqual([...ids].reverse());
    const page = (await admin.get("/pushes?limit=2")).body;
    expect(page.items.map((p: { id: string }) => p.id)).toEqual([ids[2], ids[1]]);
    expect((await admin.get(`/pushes?limit=2&cursor=${page.nextCursor}`)).body).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });

    const idsOf = async (query: string) => (await admin.get(`/pushes?${query}`)).body.items.map((p: { id: string }) => p.id);
    const operatorEmail = (await operator.get("/me")).body.email as string;
    expect(await idsOf(`createdBy=${encodeURIComponent(operatorEmail)}`)).toEqual([ids[1]]);
    expect(await idsOf(`tenantId=${tenantA}`)).toEqual([ids[2], ids[0]]);
    expect(await idsOf(`itemId=${two.id}`)).toEqual([ids[1]]);
    expect(await idsOf("kind=custom-fields")).toHaveLength(3);
    expect(await idsOf("kind=playbook")).toEqual([]);
    expect((await admin.get("/pushes?kind=widgets")).status).toBe(422);
  });

  it("retry, stop and rollback: 404 for what does not exist, 409 when there is nothing to do", async () => {
    expect((await admin.get("/pushes/psh_nothing")).status).toBe(404);
    expect((await admin.post("/pushes/psh_nothing/stop")).status).toBe(404);
    const agent = await GatewayContentAgent.connect(t.hub, admin, tenantA);
    const item = (await admin.post("/content/custom-fields", field("Edge"))).body;
    const { id } = (await admin.post("/pushes", { items: [{ kind: "custom-fields", id: item.id }], targets: { all: true } })).body;
    expect((await admin.post(`/pushes/${id}/retry`)).body).toMatchObject({ status: 409, code: "nothing_to_retry" });

    // Globex is offline: its result is pending until stopped.
    await settled(t.hub);
    agent.ackAll();
    await settled(t.hub);
    const stopped = await admin.post(`/pushes/${id}/stop`);
    expect(stopped.status).toBe(200);
    expect(PushSummarySchema.strict().parse(stopped.body)).toMatchObject({ state: "stopped", stoppedBy: "admin@test.local", progress: { applied: 1, stopped: 1 } });
    expect((await admin.post(`/pushes/${id}/stop`)).body).toMatchObject({ status: 409, code: "push_not_running" });

    expect((await admin.post(`/content/custom-fields/${item.id}/rollback`, { revision: 4 })).status).toBe(404);
    expect((await admin.post(`/content/widgets/${item.id}/rollback`, { revision: 1 })).status).toBe(404);
    expect((await admin.post(`/content/custom-fields/cnt_nothing/rollback`, { revision: 1 })).status).toBe(404);
    expect((await admin.post(`/content/custom-fields/${item.id}/rollback`, { revision: 0 })).status).toBe(422);
    const rollback = await admin.post(`/content/custom-fields/${item.id}/rollback`, { revision: 1 });
    expect(rollback.status).toBe(202);
    expect((await admin.get(`/pushes/${rollback.body.id}`)).body).toMatchObject({ type: "rollback", targets: { tenants: [tenantA] } });
    const actions = (await admin.get("/audit")).body.items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["push.create", "push.stop", "content.rollback"]));
  });
});
