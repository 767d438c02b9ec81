import { describe, expect, it } from "vitest";
import type { PushResult } from "$lib/api";
import { doneCount, emptyCounts, mergeResults, progressByTenant, progressSegments, showResults } from "./results";

const result = (tenantId: string, name: string, status: PushResult["status"], error?: string): PushResult => ({
  tenantId,
  kind: "custom-field",
  name,
  status,
  ...(error ? { error } : {}),
});
const names = (id: string) => ({ t1: "Zeta", t2: "Alpha" })[id];
const items = [
  { kind: "custom-field" as const, id: "i1", name: "A", revision: 3 },
  { kind: "custom-field" as const, id: "i2", name: "B", revision: 1 },
];

describe("progressByTenant", () => {
  it("groups results per tenant with counts and first errors, by tenant name", () => {
    const rows = progressByTenant(
      showResults(
        [result("t2", "A", "applied"), result("t1", "A", "failed", "disk full"), result("t1", "B", "pending"), result("t2", "B", "unchanged")],
        items,
        names,
      ),
    );
    expect(rows.map((row) => row.tenantName)).toEqual(["Alpha", "Zeta"]);
    expect(rows[1]).toMatchObject({ total: 2, counts: { failed: 1, pending: 1 }, errors: [{ name: "A", error: "disk full" }] });
    expect(rows[0]!.counts).toMatchObject({ applied: 1, unchanged: 1, failed: 0 });
  });

  it("names tenants and revisions, the tenant id standing in for an unknown name", () => {
    expect(showResults([result("t9", "A", "applied"), result("t2", "B", "failed")], items, names)).toMatchObject([
      { tenantName: "t9", revision: 3 },
      { tenantName: "Alpha", revision: 1 },
    ]);
  });
});

describe("mergeResults", () => {
  it("replaces a result by tenant, kind and name", () => {
    const merged = mergeResults([result("t1", "A", "pending"), result("t2", "A", "pending")], [result("t1", "A", "applied")]);
    expect(merged).toHaveLength(2);
    expect(merged.map((r) => `${r.tenantId}:${r.status}`)).toEqual(["t1:applied", "t2:pending"]);
  });
});

describe("doneCount and progressSegments", () => {
  it("count a stopped delivery as not done, so a stopped push shows how far it got", () => {
    const counts = { ...emptyCounts(), applied: 1, failed: 1, stopped: 2 };
    expect(doneCount(counts, 4)).toBe(2);
    expect(doneCount({ ...counts, stopped: 0, pending: 2 }, 4)).toBe(2);
    const stopped = progressSegments(counts).find((segment) => segment.tone === "stopped");
    expect(stopped).toEqual({ count: 2, tone: "stopped", done: false });
  });
});
