import { describe, expect, it } from "vitest";
import type { Tenant } from "$lib/api";
import { pushRequest, tagCounts, targetedTenants, type PushChoices } from "./push-request";

const choices = (fields: Partial<PushChoices> = {}): PushChoices => ({
  items: [{ kind: "custom-fields", id: "cf1", name: "Severity" }],
  mode: "all",
  one: "",
  many: new Set(),
  exclude: new Set(),
  tags: new Set(),
  includeAssociatedRules: true,
  scheduledSearches: "include",
  scheduledReports: "ignore",
  ...fields,
});

const tenant = (id: string, tags: string[] = []) => ({ id, name: id.toUpperCase(), tags }) as unknown as Tenant;

describe("pushRequest", () => {
  it("sends all, all-except, one, many and tags targets", () => {
    expect(pushRequest(choices())).toEqual({ ok: true, body: { items: [{ kind: "custom-fields", id: "cf1" }], targets: { all: true } } });
    expect(pushRequest(choices({ exclude: new Set(["t1"]) }))).toMatchObject({ body: { targets: { all: true, exclude: ["t1"] } } });
    expect(pushRequest(choices({ mode: "one", one: "t2" }))).toMatchObject({ body: { targets: { tenants: ["t2"] } } });
    expect(pushRequest(choices({ mode: "many", many: new Set(["t1", "t3"]) }))).toMatchObject({ body: { targets: { tenants: ["t1", "t3"] } } });
    expect(pushRequest(choices({ mode: "tags", tags: new Set(["eu"]) }))).toMatchObject({ body: { targets: { tags: ["eu"] } } });
  });

  it("says what is missing instead of sending an empty target", () => {
    expect(pushRequest(choices({ mode: "many" }))).toEqual({ ok: false, reason: "Choose at least one tenant." });
    expect(pushRequest(choices({ mode: "one" }))).toEqual({ ok: false, reason: "Choose a tenant." });
    expect(pushRequest(choices({ items: [] }))).toEqual({ ok: false, reason: "Add at least one item to push." });
  });

  it("sends only the options that apply to the items", () => {
    const tuning = choices({ items: [{ kind: "tuning-expressions", id: "t", name: "T" }], includeAssociatedRules: false });
    expect(pushRequest(tuning)).toMatchObject({ body: { options: { includeAssociatedRules: false } } });
    const library = choices({ items: [{ kind: "library", id: "l", name: "SOC", libraryType: "folder" }] });
    expect(pushRequest(library)).toMatchObject({ body: { options: { scheduledSearches: "include", scheduledReports: "ignore" } } });
    expect(pushRequest(choices())).not.toHaveProperty("body.options");
  });
});

describe("targetedTenants and tagCounts", () => {
  const all = [tenant("a", ["eu"]), tenant("b", ["us"]), tenant("c", ["us", "eu"])];

  it("lists the tenants each destination reaches", () => {
    expect(targetedTenants(choices({ exclude: new Set(["b"]) }), all).map((t) => t.id)).toEqual(["a", "c"]);
    expect(targetedTenants(choices({ mode: "tags", tags: new Set(["us"]) }), all).map((t) => t.id)).toEqual(["b", "c"]);
  });

  it("counts tenants per tag", () => {
    expect(tagCounts(all)).toEqual([
      { tag: "eu", count: 2 },
      { tag: "us", count: 2 },
    ]);
  });
});
