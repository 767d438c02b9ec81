import { describe, expect, it } from "vitest";
import { PUSH_ITEMS_MAX } from "./limits.js";
import { PushCreateSchema, PushListQuerySchema, PushResultSchema, RollbackBodySchema } from "./pushes.js";

const paths = (result: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) => (result.error?.issues ?? []).map((i) => i.path.map(String).join("."));
const item = { kind: "custom-fields", id: "cnt_1" };

describe("push create body", () => {
  it("takes each form of targets", () => {
    for (const targets of [{ all: true }, { all: true, exclude: ["tnt_1"] }, { tenants: ["tnt_1"] }, { tags: ["eu"] }]) {
      expect(PushCreateSchema.safeParse({ items: [item], targets }).success, JSON.stringify(targets)).toBe(true);
    }
  });

  it("refuses mixed or empty targets, unknown kinds, unknown members, and too many items", () => {
    expect(PushCreateSchema.safeParse({ items: [item], targets: { all: true, tenants: ["tnt_1"] } }).success).toBe(false);
    expect(PushCreateSchema.safeParse({ items: [item], targets: { tenants: [] } }).success).toBe(false);
    expect(PushCreateSchema.safeParse({ items: [item], targets: { all: false } }).success).toBe(false);
    expect(paths(PushCreateSchema.safeParse({ items: [{ kind: "widgets", id: "x" }], targets: { all: true } }))).toEqual(["items.0.kind"]);
    expect(paths(PushCreateSchema.safeParse({ items: [], targets: { all: true } }))).toEqual(["items"]);
    expect(paths(PushCreateSchema.safeParse({ items: [item], targets: { all: true }, options: { scheduledReports: "drop" } }))).toEqual(["options.scheduledReports"]);
    expect(PushCreateSchema.safeParse({ items: [item], targets: { all: true }, extra: 1 }).success).toBe(false);
    expect(PushCreateSchema.safeParse({ items: Array.from({ length: PUSH_ITEMS_MAX + 1 }, () => item), targets: { all: true } }).success).toBe(false);
  });
});

describe("other push shapes", () => {
  it("list query: kind in either form, paging defaults", () => {
    expect(PushListQuerySchema.parse({ kind: "custom-fields" })).toMatchObject({ kind: "custom-fields", limit: 50 });
    expect(PushListQuerySchema.parse({ kind: "custom-field" }).kind).toBe("custom-field");
    expect(PushListQuerySchema.safeParse({ kind: "widget" }).success).toBe(false);
  });

  it("rollback body: a revision from 1, tenants optional but never empty", () => {
    expect(RollbackBodySchema.safeParse({ revision: 1 }).success).toBe(true);
    expect(paths(RollbackBodySchema.safeParse({ revision: 0 }))).toEqual(["revision"]);
    expect(paths(RollbackBodySchema.safeParse({ revision: 2, tenants: [] }))).toEqual(["tenants"]);
  });

  it("a result is lean: tenant, kind, name, status, and an error when there is one", () => {
    expect(PushResultSchema.strict().parse({ tenantId: "tnt_1", kind: "siem-rule", name: "R", status: "failed", error: "x" })).toBeTruthy();
    expect(PushResultSchema.safeParse({ tenantId: "tnt_1", kind: "siem-rule", name: "R", status: "done" }).success).toBe(false);
  });
});
