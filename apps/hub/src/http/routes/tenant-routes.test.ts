import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestHub, login, type Caller, type TestHub } from "../../../test/helpers.js";

describe("tenants API", () => {
  let t: TestHub;
  let admin: Caller;
  beforeEach(async () => {
    t = await createTestHub();
    admin = await login(t.hub);
  });
  afterEach(() => t.hub.close());

  it("creates a tenant that starts unpaired, and reads it back", async () => {
    const created = await admin.post("/tenants", { name: "  Acme Corp ", description: "Widgets", tags: ["eu", "gold", "eu"] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: "Acme Corp",
      description: "Widgets",
      tags: ["eu", "gold"],
      parentId: "org_root",
      status: "unpaired",
      lastSeenAt: null,
      agentVersion: null,
      rttMs: null,
      hostname: null,
      pairedAt: null,
    });
    expect(created.body.id).toMatch(/^tnt_/);
    expect(Date.parse(created.body.createdAt)).not.toBeNaN();
    expect((await admin.get(`/tenants/${created.body.id}`)).body).toEqual(created.body);
  });

  it("refuses a duplicate name (any case) with 409", async () => {
    await admin.post("/tenants", { name: "Acme" });
    const res = await admin.post("/tenants", { name: "ACME" });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ code: "tenant_name_taken", status: 409 });
    expect(res.body.detail).toMatch(/already exists/);
  });

  it("refuses invalid bodies with 422 naming each field", async () => {
    const res = await admin.post("/tenants", { name: "", tags: ["ok", 7], description: 5 });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toMatch(/problem\+json/);
    expect(res.body.code).toBe("invalid_request");
    const paths = res.body.errors.map((e: { path: string }) => e.path).sort();
    expect(paths).toEqual(["description", "name", "tags.1"]);

    const unknownParent = await admin.post("/tenants", { name: "Child", parentId: "tnt_missing000000" });
    expect(unknownParent.status).toBe(422);
    expect(unknownParent.body.errors).toEqual([{ path: "parentId", message: "no organization with id tnt_missing000000 in your scope (GET /orgs/tree lists them)" }]);
  });

  it("answers 400 problem+json to malformed JSON and 415 to a non-JSON body", async () => {
    const malformed = await admin.post("/tenants", "{nope", { "content-type": "application/json" });
    expect(malformed.status).toBe(400);
    expect(malformed.body.type).toMatch(/^urn:canopy:problem:/);
    const wrongType = await admin.post("/tenants", "name=x", { "content-type": "application/x-www-form-urlencoded" });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.code).toBe("unsupported_media_type");
  });

  it("edits name, description and tags; a rename onto another tenant's name is a 409", async () => {
    const { id } = (await admin.post("/tenants", { name: "Initech" })).body;
    await admin.post("/tenants", { name: "Globex" });
    const edited = await admin.patch(`/tenants/${id}`, { name: "Initech EU", tags: ["eu"], description: "TPS reports" });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: "Initech EU", tags: ["eu"], description: "TPS reports" });
    expect((await admin.patch(`/tenants/${id}`, { name: "globex" })).status).toBe(409);
    expect((await admin.patch(`/tenants/${id}`, {})).status).toBe(422);
    expect((await admin.patch("/tenants/tnt_missing000000", { name: "x" })).status).toBe(404);
  });

  it("deletes a tenant; afterwards it is 404 and a parent with children cannot be deleted", async () => {
    const parent = (await admin.post("/tenants", { name: "Parent", capabilities: [{ name: "msp" }] })).body;
    const child = (await admin.post("/tenants", { name: "Child", parentId: parent.id })).body;
    expect(child.parentId).toBe(parent.id);
    const refused = await admin.delete(`/tenants/${parent.id}`);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe("tenant_has_children");

    expect((await admin.delete(`/tenants/${child.id}`)).status).toBe(204);
    const gone = await admin.get(`/tenants/${child.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ code: "not_found", status: 404 });
    expect((await admin.delete(`/tenants/${parent.id}`)).status).toBe(204);
  });

  it("pages through tenants by name with a cursor, stable under inserts", async () => {
    for (const name of ["delta", "Alpha", "charlie", "Echo", "bravo"]) await admin.post("/tenants", { name });
    const first = await admin.get("/tenants?limit=2");
    expect(first.body.items.map((x: { name: string }) => x.name)).toEqual(["Alpha", "bravo"]);
    expect(first.body.nextCursor).toEqual(expect.any(String));

    await admin.post("/tenants", { name: "aardvark" }); // sorts before the cursor: must not shift the pages
    const second = await admin.get(`/tenants?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((x: { name: string }) => x.name)).toEqual(["charlie", "delta"]);
    const third = await admin.get(`/tenants?limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body.items.map((x: { name: string }) => x.name)).toEqual(["Echo"]);
    expect(third.body.nextCursor).toBeNull();

    expect((await admin.get("/tenants?cursor=garbage")).status).toBe(422);
    expect((await admin.get("/tenants?limit=0")).status).toBe(422);
  });

  it("filters by text, tag and status", async () => {
    await admin.post("/tenants", { name: "Acme", tags: ["eu"], description: "rockets" });
    await admin.post("/tenants", { name: "Globex", tags: ["us"] });
    const names = async (query: string) => (await admin.get(`/tenants?${query}`)).body.items.map((x: { name: string }) => x.name);
    expect(await names("q=ROCK")).toEqual(["Acme"]);
    expect(await names("tag=us")).toEqual(["Globex"]);
    expect(await names("status=unpaired")).toEqual(["Acme", "Globex"]);
    expect(await names("status=online")).toEqual([]);
    expect((await admin.get("/tenants?status=sleeping")).status).toBe(422);
  });

  it("records every change in the audit log, newest first, without secrets", async () => {
    const { id } = (await admin.post("/tenants", { name: "Audited" })).body;
    await admin.patch(`/tenants/${id}`, { name: "Audited Ltd" });
    await admin.post(`/tenants/${id}/pairing-codes`, {});
    await admin.delete(`/tenants/${id}`);
    const audit = await admin.get("/audit?limit=4");
    expect(audit.status).toBe(200);
    expect(audit.body.items.map((e: { action: string }) => e.action)).toEqual([
      "tenant.delete",
      "pairing-code.create",
      "tenant.update",
      "tenant.create",
    ]);
    for (const entry of audit.body.items) {
      expect(entry).toMatchObject({ actor: "admin@test.local", target: `tenant:${id}` });
      expect(Date.parse(entry.at)).not.toBeNaN();
    }
    expect(audit.body.items[2].detail).toEqual({ name: { from: "Audited", to: "Audited Ltd" } });
    const older = await admin.get(`/audit?limit=4&cursor=${audit.body.nextCursor}`);
    expect(older.body.items.map((e: { action: string }) => e.action)).toContain("auth.login");
  });
});
