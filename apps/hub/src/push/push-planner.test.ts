import { describe, expect, it } from "vitest";
import { planAction, planPush, resolveTargets } from "./push-planner.js";
import type { ReportedEntry } from "./push-records.js";

const tenants = [
  { id: "t1", name: "Acme", tags: ["eu", "gold"] },
  { id: "t2", name: "Globex", tags: ["us"] },
  { id: "t3", name: "Initech", tags: ["us", "gold"] },
];

const held = (hash: string | null, extra: Partial<ReportedEntry> = {}): ReportedEntry => ({ id: "k", hash, revision: 1, pushId: null, drifted: false, ...extra });

describe("resolveTargets", () => {
  it("all tenants, or all but the excluded ones", () => {
    expect(resolveTargets({ all: true }, tenants).tenants.map((t) => t.id)).toEqual(["t1", "t2", "t3"]);
    expect(resolveTargets({ all: true, exclude: ["t2"] }, tenants).tenants.map((t) => t.id)).toEqual(["t1", "t3"]);
  });

  it("named tenants in the order given, once each; unknown ids are reported with their position", () => {
    const resolved = resolveTargets({ tenants: ["t3", "nope", "t1", "t3"] }, tenants);
    expect(resolved.tenants.map((t) => t.id)).toEqual(["t3", "t1"]);
    expect(resolved.unknown).toEqual([{ field: "tenants", index: 1, id: "nope" }]);
    expect(resolveTargets({ all: true, exclude: ["x"] }, tenants).unknown).toEqual([{ field: "exclude", index: 0, id: "x" }]);
  });

  it("tenants carrying any of the tags", () => {
    expect(resolveTargets({ tags: ["gold"] }, tenants).tenants.map((t) => t.id)).toEqual(["t1", "t3"]);
    expect(resolveTargets({ tags: ["us", "eu"] }, tenants).tenants).toHaveLength(3);
    expect(resolveTargets({ tags: ["none"] }, tenants).tenants).toEqual([]);
  });
});

describe("planAction", () => {
  it("create when the tenant holds nothing under the name (or only a refusal is known)", () => {
    expect(planAction(undefined, "h1")).toBe("create");
    expect(planAction(held(null, { failedHash: "h1" }), "h1")).toBe("create");
  });

  it("unchanged only for the same hash, undrifted", () => {
    expect(planAction(held("h1"), "h1")).toBe("unchanged");
    expect(planAction(held("h0"), "h1")).toBe("replace");
  });

  it("replace for a drifted item even with the same hash: the push heals the drift", () => {
    expect(planAction(held("h1", { drifted: true }), "h1")).toBe("replace");
  });
});

describe("planPush", () => {
  it("one row per tenant and item, judged from each tenant's reported state", () => {
    const items = [
      { key: "custom-field:A", kind: "custom-field" as const, name: "A", hash: "ha" },
      { key: "custom-field:B", kind: "custom-field" as const, name: "B", hash: "hb" },
    ];
    const reported: Record<string, ReportedEntry> = { "t1/custom-field:A": held("ha"), "t2/custom-field:A": held("old") };
    const rows = planPush(items, tenants.slice(0, 2), (tenantId, key) => reported[`${tenantId}/${key}`]);
    expect(rows).toEqual([
      { tenantId: "t1", tenantName: "Acme", kind: "custom-field", name: "A", action: "unchanged" },
      { tenantId: "t1", tenantName: "Acme", kind: "custom-field", name: "B", action: "create" },
      { tenantId: "t2", tenantName: "Globex", kind: "custom-field", name: "A", action: "replace" },
      { tenantId: "t2", tenantName: "Globex", kind: "custom-field", name: "B", action: "create" },
    ]);
  });
});
