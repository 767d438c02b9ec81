import { BUILT_IN_ROLES, permissionsOf, ROLE_ALIASES } from "@canopy/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GatewayContentAgent } from "../../test/gateway-content-agent.js";
import type { Caller} from "../../test/helpers.js";
import { createTestHub, inviteAndAccept, login, ORIGIN, type TestHub } from "../../test/helpers.js";
import { makeInsight, seededRandom } from "../../test/insight-fixtures.js";
import { ID_OWNERS, missingPermissions, ROUTE_ACCESS } from "./route-access.js";

interface Operation {
  method: string;
  path: string;
  operationId: string;
  stream: boolean;
}

interface Document {
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, { content?: Record<string, unknown> }> }>>;
}

const ROLES = [...Object.keys(BUILT_IN_ROLES), ...Object.keys(ROLE_ALIASES)];

/** One request as a browser or script sends it; a stream's body is not waited for. */
async function call(t: TestHub, who: Caller, op: Operation, path: string): Promise<{ status: number; body: unknown }> {
  const res = await t.hub.app.request(`/api/v1${path}`, {
    method: op.method,
    headers: {
      ...(who.auth.cookie ? { cookie: who.auth.cookie } : {}),
      ...(op.method !== "GET" ? { origin: ORIGIN, "content-type": "application/json" } : {}),
    },
    body: op.method === "GET" || op.method === "DELETE" ? undefined : "{}",
  });
  if (op.stream && res.status === 200) {
    await res.body?.cancel();
    return { status: res.status, body: undefined };
  }
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

describe("who may call what: every built-in role × every operation, and a child MSP's scope", () => {
  let t: TestHub;
  let admin: Caller;
  let operations: Operation[];
  beforeAll(async () => {
    t = await createTestHub();
    admin = await login(t.hub);
    const doc = (await admin.get("/openapi.json")).body as Document;
    operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(),
        path,
        operationId: op.operationId,
        stream: Object.values(op.responses).some((r) => r.content?.["text/event-stream"] !== undefined),
      })),
    );
  });
  afterAll(() => t.hub.close());

  it("answers 403 exactly where the role lacks the operation's permission (the matrix is roles × operations)", async () => {
    const refusals: string[] = [];
    let cells = 0;
    for (const role of ROLES) {
      const caller = await inviteAndAccept(t.hub, admin, "org_root", [role]);
      const allowed = permissionsOf([role]);
      // Logging out ends the caller's session: it goes last.
      for (const op of [...operations].sort((a, b) => Number(a.operationId === "logout") - Number(b.operationId === "logout"))) {
        const access = ROUTE_ACCESS[op.operationId]!;
        const path = op.path.replace(/\{[^}]+\}/g, (param) => (param === "{kind}" ? "custom-fields" : "no-such-id"));
        const { status } = await call(t, caller, op, path);
        cells++;
        const expected = missingPermissions(access, allowed).length > 0;
        if ((status === 403) !== expected) refusals.push(`${role} ${op.method} ${op.path}: ${status}, expected ${expected ? "403" : "not 403"}`);
      }
    }
    expect(refusals).toEqual([]);
    expect(cells).toBe(ROLES.length * operations.length);
  }, 120_000);

  it("lets no one delete a catalogue item who may edit it but not push: deleting withdraws it from the tenants", async () => {
    expect((await admin.post("/roles", { name: "catalogue editor", permissions: ["organizations.view", "content.edit"] })).status).toBe(201);
    const editor = await inviteAndAccept(t.hub, admin, "org_root", ["catalogue editor"]);
    const created = await editor.post("/content/custom-fields", { name: "Editor field", type: "text", appliesTo: "incident" });
    expect(created.status).toBe(201);
    const id = (created.body as { id: string }).id;
    const refused = await editor.delete(`/content/custom-fields/${id}`);
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toContain("content.push");
    expect((await editor.get(`/content/custom-fields/${id}`)).status).toBe(200);
    expect((await admin.delete(`/content/custom-fields/${id}`)).status).toBe(204);
  });

  it("answers a child MSP's user 404 for every id outside its subtree, as for one that does not exist, and lists nothing of it", async () => {
    const mk = async (body: Record<string, unknown>) => (await admin.post("/tenants", body)).body as { id: string };
    const msp = await mk({ name: "North MSP", capabilities: [{ name: "msp" }, { name: "soar" }, { name: "siem" }, { name: "library" }] });
    const mine = await mk({ name: "North customer", parentId: msp.id });
    const sibling = await mk({ name: "South MSP", capabilities: [{ name: "msp" }, { name: "siem" }] });
    const theirs = await mk({ name: "South customer", parentId: sibling.id });
    const north = await inviteAndAccept(t.hub, admin, msp.id, ["Manage organization"]);
    const southUser = await inviteAndAccept(t.hub, admin, sibling.id, ["Analyst"]);

    // Outside North's subtree: a push, an insight, an API key, users, and audit entries about them.
    const field = (await admin.post("/content/custom-fields", { name: "Tier", type: "text", appliesTo: "incident" })).body;
    const push = (await admin.post("/pushes", { items: [{ kind: "custom-fields", id: field.id }], targets: { tenants: [theirs.id] } })).body;
    const agent = await GatewayContentAgent.connect(t.hub, admin, theirs.id);
    agent.agent.send({ type: "insights.upsert", seq: 1, insights: [makeInsight(seededRandom(3), 1)] });
    await agent.agent.connection.next("insights.ack");
    const insightId = `${theirs.id}~ins-000001`;
    const key = (await admin.post("/api-keys", { name: "root script" })).body;
    const adminId = (await admin.get("/me")).body.id;

    const outside: Record<string, string> = { tenant: theirs.id, push: push.id, insight: insightId, "api-key": key.id, user: southUser.userId };
    const wrong: string[] = [];
    for (const op of operations) {
      const owner = ID_OWNERS[op.operationId];
      if (owner === undefined) continue;
      for (const id of owner === "user" ? [outside.user!, adminId] : [outside[owner]!]) {
        const path = op.path.replace("{id}", encodeURIComponent(id)).replace(/\{[^}]+\}/g, "no-such-id");
        const seen = await call(t, north, op, path);
        const missing = await call(t, north, op, op.path.replace(/\{[^}]+\}/g, owner === "insight" ? `${msp.id}~none` : "no-such-id"));
        if (seen.status !== 404) wrong.push(`${op.method} ${path}: ${seen.status}`);
        if (missing.status !== 404) wrong.push(`${op.method} ${op.path} (missing): ${missing.status}`);
      }
    }
    expect(wrong).toEqual([]);

    const ids = (items: { id: string }[]) => items.map((item) => item.id).sort();
    expect(ids((await north.get("/tenants")).body.items)).toEqual([msp.id, mine.id].sort());
    expect((await north.get("/orgs/tree")).body).toMatchObject({ id: msp.id, children: [{ id: mine.id }] });
    expect((await north.get("/pushes")).body.items).toEqual([]);
    expect((await north.get("/insights")).body).toMatchObject({ items: [], total: 0 });
    expect((await north.get("/api-keys")).body.items).toEqual([]);
    expect((await north.get("/users")).body.items.map((u: { orgId: string }) => u.orgId)).toEqual([msp.id]);
    const audit = JSON.stringify((await north.get("/audit?limit=200")).body.items);
    expect(audit).not.toContain(theirs.id);
    expect(audit).not.toContain("South");
    expect((await north.get(`/audit?orgId=${sibling.id}`)).status).toBe(404);
    // A push to a tenant outside reads as an unknown tenant; switching to an organization outside is not possible.
    const refused = await north.post("/pushes", { items: [{ kind: "custom-fields", id: field.id }], targets: { tenants: [theirs.id] } });
    expect(refused.status).toBe(422);
    expect((await north.get("/tenants", { "canopy-org": sibling.id })).status).toBe(404);
    expect(ids((await north.get("/tenants", { "canopy-org": mine.id })).body.items)).toEqual([mine.id]);
    // The catalogue is the MSSP's: North's administrator pushes it to North's customers, and cannot change it.
    expect((await north.post("/pushes", { items: [{ kind: "custom-fields", id: field.id }], targets: { tenants: [mine.id] } })).status).toBe(202);
    const edit = await north.post("/content/custom-fields", { name: "Mine", type: "text", appliesTo: "incident" });
    expect(edit.status).toBe(403);
    expect(edit.body.detail).toMatch(/the content catalogue is the MSSP's/);
    expect((await north.request("DELETE", `/content/custom-fields/${field.id}`)).status).toBe(403);
    expect((await north.get("/me")).body.permissions).not.toContain("content.edit");
    // Settings name organizations of the caller's scope only: one elsewhere reads as one that never was.
    const sharing = async (id: string) => (await north.patch(`/tenants/${mine.id}/settings`, { sharedObjectsFrom: [id] })).body.errors;
    expect(await sharing(theirs.id)).toEqual([{ path: "sharedObjectsFrom.0", message: `no tenant has the id "${theirs.id}"` }]);
    expect((await sharing("tnt_neverwas000000"))[0].message).toBe('no tenant has the id "tnt_neverwas000000"');
    expect((await north.patch(`/tenants/${mine.id}/settings`, { sharedObjectsFrom: [msp.id] })).status).toBe(200);
    expect((await admin.get("/me")).body.permissions).toContain("content.edit");
    // The root sees all of it, and can ask for one organization's entries, its own included.
    expect((await admin.get("/insights")).body.total).toBe(1);
    const rootOwn = (await admin.get("/audit?orgId=org_root&limit=200")).body.items as { orgId?: string; action: string }[];
    expect(rootOwn.length).toBeGreaterThan(0);
    expect(rootOwn.every((entry) => entry.orgId === undefined)).toBe(true);
    const southOnly = (await admin.get(`/audit?orgId=${sibling.id}&limit=200`)).body.items as { orgId?: string }[];
    expect(southOnly.length).toBeGreaterThan(0);
    expect(southOnly.every((entry) => entry.orgId === sibling.id)).toBe(true);
  }, 60_000);
});
