import { describe, expect, it } from "vitest";
import { TAG_MAX, TAGS_MAX, TENANT_NAME_MAX } from "./limits.js";
import { TenantCreateSchema, TenantListQuerySchema, TenantPatchSchema, TenantSchema, type Tenant } from "./tenants.js";

/** What the hub turns a failed parse into: `errors: [{path, message}]` with dotted paths. */
function fieldErrors(result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) {
  return (result.error?.issues ?? []).map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}

const tenant: Tenant = {
  id: "tnt_Xo2fL9aQk3VbR1sd",
  name: "Acme",
  description: "",
  tags: ["eu"],
  parentId: "org_root",
  capabilities: [{ name: "siem", expiresAt: null }],
  needsOwner: true,
  status: "offline",
  lastSeenAt: "2030-01-15T12:00:00.000Z",
  agentVersion: "1.2.3",
  rttMs: null,
  hostname: "edge-01",
  pairedAt: "2030-01-14T08:00:00.000Z",
  createdAt: "2030-01-14T07:59:00.000Z",
  updatedAt: "2030-01-14T07:59:00.000Z",
};

describe("tenant create body", () => {
  it("trims the name and tags, and keeps what was not given absent", () => {
    expect(TenantCreateSchema.parse({ name: "  Acme Corp ", tags: [" eu "] })).toEqual({ name: "Acme Corp", tags: ["eu"] });
  });

  it("names every bad field by its path", () => {
    const result = TenantCreateSchema.safeParse({
      name: "   ",
      description: 5,
      parentId: "",
      tags: ["ok", "", "x".repeat(TAG_MAX + 1)],
    });
    expect(result.success).toBe(false);
    expect(fieldErrors(result).map((e) => e.path).sort()).toEqual(["description", "name", "parentId", "tags.1", "tags.2"]);
    expect(fieldErrors(result)).toContainEqual({ path: "name", message: "must not be empty" });
  });

  it("holds names and tag lists to the published limits", () => {
    expect(TenantCreateSchema.safeParse({ name: "n".repeat(TENANT_NAME_MAX) }).success).toBe(true);
    expect(fieldErrors(TenantCreateSchema.safeParse({ name: "n".repeat(TENANT_NAME_MAX + 1) }))[0]?.path).toBe("name");
    const tooMany = Array.from({ length: TAGS_MAX + 1 }, (_, i) => `t${i}`);
    expect(fieldErrors(TenantCreateSchema.safeParse({ name: "Acme", tags: tooMany }))[0]?.path).toBe("tags");
  });
});

describe("tenant patch body", () => {
  it("needs at least one field", () => {
    expect(fieldErrors(TenantPatchSchema.safeParse({}))).toEqual([{ path: "", message: "give at least one of name, description, tags, parentId" }]);
    expect(TenantPatchSchema.parse({ tags: [] })).toEqual({ tags: [] });
  });
});

describe("tenant list query", () => {
  it("reads the limit from the query string, defaults it and bounds it", () => {
    expect(TenantListQuerySchema.parse({})).toEqual({ limit: 50 });
    expect(TenantListQuerySchema.parse({ limit: "10", status: "online" })).toEqual({ limit: 10, status: "online" });
    expect(fieldErrors(TenantListQuerySchema.safeParse({ limit: "0" }))[0]?.path).toBe("limit");
    expect(fieldErrors(TenantListQuerySchema.safeParse({ limit: "201" }))[0]?.path).toBe("limit");
    expect(fieldErrors(TenantListQuerySchema.safeParse({ status: "asleep" }))[0]?.path).toBe("status");
  });
});

describe("tenant answer", () => {
  it("accepts the hub's tenant JSON as is", () => {
    expect(TenantSchema.parse(tenant)).toEqual(tenant);
  });

  it("rejects a status the UI would not know how to show", () => {
    expect(fieldErrors(TenantSchema.safeParse({ ...tenant, status: "asleep" }))[0]?.path).toBe("status");
  });
});
