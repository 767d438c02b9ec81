import { ContentItemListSchema, ContentItemSchema, ContentRevisionListSchema } from "@canopy/api";
import type { z } from "@hono/zod-openapi";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestHub, login, loginAs, type ApiResponse, type Caller, type TestHub } from "../../../test/helpers.js";

const field = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  type: "select",
  appliesTo: "incident",
  options: ["low", "high"],
  required: false,
  ...extra,
});

const rule = (title: string, extra = "") => `title: ${title}
id: 5f3b1a2c-0d4e-4f6a-9b7c-8d9e0f1a2b3c
status: test
level: high
tags:
  - attack.credential-access
logsource:
  product: windows
  service: security
detection:
  selection:
    EventID: 4625
  condition: selection
${extra}`;

/** Parsing drops unknown keys at every depth, so equality means: valid, and nothing extra. */
function expectExactly(schema: z.ZodType, response: ApiResponse) {
  const result = schema.safeParse(response.body);
  expect(result.error?.issues ?? []).toEqual([]);
  expect(result.data).toEqual(response.body);
}

describe("content API", () => {
  let t: TestHub;
  let admin: Caller;
  beforeEach(async () => {
    t = await createTestHub();
    admin = await login(t.hub);
  });
  afterEach(() => t.hub.close());

  it("creates an item at revision 1 with its hash and sync state, and reads it back", async () => {
    const created = await admin.post("/content/custom-fields", field("  Severity Override "));
    expect(created.status).toBe(201);
    expectExactly(ContentItemSchema, created);
    expect(created.body).toMatchObject({
      kind: "custom-field",
      name: "Severity Override",
      revision: 1,
      createdBy: "admin@test.local",
      updatedBy: "admin@test.local",
      body: { name: "Severity Override", options: ["low", "high"] },
      sync: { synchronized: false, total: 0, applied: 0, pending: 0, failed: 0, drifted: 0 },
    });
    expect(created.body.id).toMatch(/^cnt_/);
    expect(created.body.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(created.body.sync.tenants).toBeUndefined();

    const read = await admin.get(`/content/custom-fields/${created.body.id}`);
    expect(read.status).toBe(200);
    expectExactly(ContentItemSchema, read);
    expect(read.body).toEqual({ ...created.body, sync: { ...created.body.sync, tenants: [] } });

    const list = await admin.get("/content/custom-fields");
    expectExactly(ContentItemListSchema, list);
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([created.body.id]);
    expect((await admin.get("/content/playbooks")).body).toEqual({ items: [], nextCursor: null });
  });

  it("every item answer carries the push engine's sync summary; GET of one item adds the tenants", async () => {
    const services = await t.hub.services();
    const summary = { synchronized: false, total: 2, applied: 1, pending: 0, failed: 1, drifted: 0 };
    const tenants = [
      { tenantId: "tnt_a", tenantName: "Acme", state: "applied" as const, revision: 1 },
      { tenantId: "tnt_b", tenantName: "Globex", state: "failed" as const, revision: 1, error: "quota exceeded" },
    ];
    const asked: string[] = [];
    services.sync = {
      summaries: async (items) => new Map(items.map((item) => (asked.push(`summary ${item.id} r${item.revision}`), [item.id, { ...summary }]))),
      detail: async (kind, id) => (asked.push(`detail ${kind} ${id}`), tenants),
    };
    const created = await admin.post("/content/custom-fields", field("Synced"));
    const id: string = created.body.id;
    expect(created.body.sync).toEqual(summary);
    expect((await admin.get("/content/custom-fields")).body.items[0].sync).toEqual(summary);
    expect((await admin.request("PUT", `/content/custom-fields/${id}`, field("Synced", { required: true }))).body.sync).toEqual(summary);
    const one = await admin.get(`/content/custom-fields/${id}`);
    expectExactly(ContentItemSchema, one);
    expect(one.body.sync).toEqual({ ...summary, tenants });
    expect(asked).toContain(`detail custom-field ${id}`);
    // Each answer's summary is against the item's revision as it is then.
    expect(asked).toEqual(expect.arrayContaining([`summary ${id} r1`, `summary ${id} r2`]));
    expect(asked.filter((a) => a.startsWith("detail"))).toHaveLength(1);
  });

  it("refuses a duplicate name within a kind (any case) with 409; another kind may use it", async () => {
    await admin.post("/content/custom-fields", field("Owner"));
    const duplicate = await admin.post("/content/custom-fields", field("OWNER"));
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toMatchObject({ code: "content_name_taken", status: 409 });
    expect(duplicate.body.detail).toMatch(/already exists/);
    const tuning = await admin.post("/content/tuning-expressions", { name: "Owner", expression: "x != 1", rules: [] });
    expect(tuning.status).toBe(201);
  });

  it("answers 422 with the validator's paths and messages", async () => {
    const res = await admin.post("/content/custom-fields", { name: "Broken", type: "colour", appliesTo: "nowhere" });
    expect(res.status).toBe(422);
    expect(res.headers.get("content-type")).toMatch(/problem\+json/);
    expect(res.body.code).toBe("invalid_request");
    expect(res.body.errors.map((e: { path: string }) => e.path).sort()).toEqual(["appliesTo", "type"]);
    for (const error of res.body.errors) expect(error.message).toMatch(/must be one of/);

    const noOptions = await admin.post("/content/custom-fields", { name: "Broken", type: "select", appliesTo: "task" });
    expect(noOptions.body.errors).toEqual([{ path: "options", message: expect.any(String) }]);

    const playbook = await admin.post("/content/playbooks", { type: "playbook", spec_version: "cacao-2.0" });
    expect(playbook.status).toBe(422);
    expect(playbook.body.errors.length).toBeGreaterThan(0);
    expect((await admin.post("/content/custom-fields", [1, 2])).status).toBe(422);
  });

  it("refuses a scheduled search or report whose schedule is not cron, on create and on update, saying why at `schedule`", async () => {
    const search = { type: "scheduled-search", path: "SOC/Nightly", query: "event.code:4625", connection: "splunk" };
    for (const schedule of ["hello world foo bar baz", "99 99 * * *"]) {
      const res = await admin.post("/content/library", { ...search, schedule });
      expect(res.status).toBe(422);
      expect(res.body.errors).toEqual([{ path: "schedule", message: expect.stringContaining(`${JSON.stringify(schedule)} is not a cron expression: `) }]);
    }
    const created = await admin.post("/content/library", { type: "scheduled-report", path: "SOC/Weekly", schedule: "@weekly" });
    expect(created.status).toBe(201);
    const update = await admin.request("PUT", `/content/library/${created.body.id}`, { type: "scheduled-report", path: "SOC/Weekly", schedule: "0 6 * * 8" });
    expect(update.status).toBe(422);
    expect(update.body.errors).toEqual([{ path: "schedule", message: expect.stringContaining("Invalid value for dayOfWeek: 8") }]);
    expect((await admin.get(`/content/library/${created.body.id}`)).body.body.schedule).toBe("@weekly");
  });

  it("an unknown kind or id is a 404", async () => {
    expect((await admin.get("/content/widgets")).status).toBe(404);
    expect((await admin.post("/content/widgets", field("X"))).status).toBe(404);
    const missing = await admin.get("/content/custom-fields/cnt_missing0000000");
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe("not_found");
    expect((await admin.request("PUT", "/content/custom-fields/cnt_missing0000000", field("X"))).status).toBe(404);
    expect((await admin.delete("/content/custom-fields/cnt_missing0000000")).status).toBe(404);
    expect((await admin.get("/content/custom-fields/cnt_missing0000000/revisions")).status).toBe(404);
  });

  it("PUT makes a new revision only when the body changes (canonical hash), and lists revisions newest first", async () => {
    const v1 = (await admin.post("/content/custom-fields", field("Versioned"))).body;
    // Same document, members in another order: same canonical hash, nothing saved.
    const same = await admin.request("PUT", `/content/custom-fields/${v1.id}`, { required: false, options: ["low", "high"], appliesTo: "incident", type: "select", name: "Versioned" });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ revision: 1, hash: v1.hash, updatedAt: v1.updatedAt });

    const v2 = await admin.request("PUT", `/content/custom-fields/${v1.id}`, field("Versioned", { required: true }));
    expect(v2.status).toBe(200);
    expectExactly(ContentItemSchema, v2);
    expect(v2.body.revision).toBe(2);
    expect(v2.body.hash).not.toBe(v1.hash);
    expect(v2.body.createdAt).toBe(v1.createdAt);

    const revisions = await admin.get(`/content/custom-fields/${v1.id}/revisions`);
    expect(revisions.status).toBe(200);
    expectExactly(ContentRevisionListSchema, revisions);
    expect(revisions.body.items.map((r: { revision: number; hash: string }) => [r.revision, r.hash])).toEqual([
      [2, v2.body.hash],
      [1, v1.hash],
    ]);
    expect(revisions.body.items[1]).toMatchObject({ itemId: v1.id, kind: "custom-field", name: "Versioned", savedBy: "admin@test.local", body: { required: false } });
    expect(revisions.body.nextCursor).toBeNull();
  });

  it("PUT may rename, but not onto another item's name; an invalid body is a 422 and changes nothing", async () => {
    const a = (await admin.post("/content/custom-fields", field("Alpha"))).body;
    await admin.post("/content/custom-fields", field("Beta"));
    const renamed = await admin.request("PUT", `/content/custom-fields/${a.id}`, field("Alpha Prime"));
    expect(renamed.body).toMatchObject({ name: "Alpha Prime", revision: 2 });
    expect((await admin.request("PUT", `/content/custom-fields/${a.id}`, field("beta"))).status).toBe(409);
    // The old name is free again.
    expect((await admin.post("/content/custom-fields", field("Alpha"))).status).toBe(201);
    const invalid = await admin.request("PUT", `/content/custom-fields/${a.id}`, field("Alpha Prime", { type: "colour" }));
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors[0].path).toBe("type");
    expect((await admin.get(`/content/custom-fields/${a.id}`)).body.revision).toBe(2);
  });

  it("DELETE removes the item and frees its name; its revisions stay for deliveries already decided", async () => {
    const item = (await admin.post("/content/custom-fields", field("Doomed"))).body;
    const res = await admin.delete(`/content/custom-fields/${item.id}`);
    expect(res.status).toBe(204);
    expect((await admin.get(`/content/custom-fields/${item.id}`)).status).toBe(404);
    expect((await admin.post("/content/custom-fields", field("Doomed"))).status).toBe(201);
    const services = await t.hub.services();
    expect(await services.data.content.revision("custom-field", item.id, 1)).toMatchObject({ hash: item.hash, name: "Doomed" });
  });

  it("lists by name with paging, search, and level/tag filters for SIEM rules", async () => {
    for (const name of ["delta", "Alpha", "charlie", "Bravo", "echo"]) await admin.post("/content/custom-fields", field(name));
    const first = await admin.get("/content/custom-fields?limit=2");
    expect(first.body.items.map((i: { name: string }) => i.name)).toEqual(["Alpha", "Bravo"]);
    const second = await admin.get(`/content/custom-fields?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((i: { name: string }) => i.name)).toEqual(["charlie", "delta"]);
    const third = await admin.get(`/content/custom-fields?limit=2&cursor=${second.body.nextCursor}`);
    expect(third.body).toMatchObject({ items: [{ name: "echo" }], nextCursor: null });
    expect((await admin.get("/content/custom-fields?q=RAV")).body.items.map((i: { name: string }) => i.name)).toEqual(["Bravo"]);
    expect((await admin.get("/content/custom-fields?cursor=nonsense")).status).toBe(422);
    expect((await admin.get("/content/custom-fields?limit=0")).status).toBe(422);

    await admin.post("/content/import", rule("Failed Logons"), { "content-type": "application/yaml" });
    await admin.post("/content/import", rule("Quiet Logons").replace("level: high", "level: low").replace("attack.credential-access", "attack.discovery"), {
      "content-type": "application/yaml",
    });
    const names = async (query: string) => (await admin.get(`/content/siem-rules${query}`)).body.items.map((i: { name: string }) => i.name);
    expect(await names("")).toEqual(["Failed Logons", "Quiet Logons"]);
    expect(await names("?level=low")).toEqual(["Quiet Logons"]);
    expect(await names("?tag=attack.credential-access")).toEqual(["Failed Logons"]);
    expect(await names("?q=quiet&level=high")).toEqual([]);
    expect(await names("?q=5f3b1a2c")).toEqual(["Failed Logons", "Quiet Logons"]);
  });

  it("viewers read; only operators and admins write", async () => {
    const item = (await admin.post("/content/custom-fields", field("Readable"))).body;
    const viewer = await loginAs(t.hub, "viewer");
    expect((await viewer.get("/content/custom-fields")).status).toBe(200);
    expect((await viewer.get(`/content/custom-fields/${item.id}`)).status).toBe(200);
    expect((await viewer.get(`/content/custom-fields/${item.id}/revisions`)).status).toBe(200);
    for (const res of [
      await viewer.post("/content/custom-fields", field("Nope")),
      await viewer.request("PUT", `/content/custom-fields/${item.id}`, field("Nope")),
      await viewer.delete(`/content/custom-fields/${item.id}`),
      await viewer.post("/content/import", rule("Nope"), { "content-type": "application/yaml" }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.code).toBe("forbidden");
    }
    const operator = await loginAs(t.hub, "operator");
    expect((await operator.post("/content/custom-fields", field("Operated"))).status).toBe(201);
    expect((await admin.get("/content/custom-fields")).body.items).toHaveLength(2);
  });

  it("records who created, changed and deleted what, without bodies", async () => {
    const item = (await admin.post("/content/custom-fields", field("Audited"))).body;
    await admin.request("PUT", `/content/custom-fields/${item.id}`, field("Audited")); // unchanged: no entry
    await admin.request("PUT", `/content/custom-fields/${item.id}`, field("Audited Again"));
    await admin.delete(`/content/custom-fields/${item.id}`);
    await admin.post("/content/import", rule("Imported Rule"), { "content-type": "application/yaml" });
    const entries = (await admin.get("/audit?limit=20")).body.items.filter((e: { action: string }) => e.action.startsWith("content."));
    expect(entries.map((e: { action: string; target: string | null; detail: unknown }) => [e.action, e.target, e.detail])).toEqual([
      ["content.import", null, { created: 1, updated: 0, unchanged: 0, refused: 0, items: [{ kind: "siem-rule", name: "Imported Rule", revision: 1, change: "created" }] }],
      ["content.delete", `content:${item.id}`, { kind: "custom-field", name: "Audited Again", revision: 2 }],
      ["content.update", `content:${item.id}`, { kind: "custom-field", name: "Audited Again", revision: 2, renamedFrom: "Audited" }],
      ["content.create", `content:${item.id}`, { kind: "custom-field", name: "Audited", revision: 1 }],
    ]);
    for (const entry of entries) expect(entry.actor).toBe("admin@test.local");
  });

  it("keeps the 1 MiB body limit on content routes other than import", async () => {
    const big = await admin.post("/content/custom-fields", field("Big", { description: "x".repeat(1024 * 1024 + 10) }));
    expect(big.status).toBe(413);
    expect(big.body.code).toBe("payload_too_large");
  });
});
