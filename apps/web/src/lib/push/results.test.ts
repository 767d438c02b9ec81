import { describe, expect, it } from "vitest";
import type { PushResult } from "$lib/api";
import { mergeResults, progressByTenant } from "./results";

const result = (tenantId: string, name: string, status: PushResult["status"], error?: string): PushResult => ({
  tenantId,
  tenantName: "",
  kind: "custom-field",
  name,
  revision: 1,
  status,
  ...(error ? { error } : {}),
});

describe("progressByTenant", () => {
  it("groups results per tenant with counts and first errors, by tenant name", () => {
    const rows = progressByTenant(
      [result("t2", "A", "applied"), result("t1", "A", "failed", "disk full"), result("t1", "B", "pending"), result("t2", "B", "unchanged")],
      (id) => ({ t1: "Zeta", t2: "Alpha" })[id],
    );
    expect(rows.map((row) => row.tenantName)).toEqual(["Alpha", "Zeta"]);
    expect(rows[1]).toMatchObject({ total: 2, counts: { failed: 1, pending: 1 }, errors: [{ name: "A", error: "disk full" }] });
    expect(rows[0]!.counts).toMatchObject({ applied: 1, unchanged: 1, failed: 0 });
  });

  it("falls back to the tenant id when the name is unknown", () => {
    expect(progressByTenant([result("t9", "A", "applied")], () => undefined)[0]!.tenantName).toBe("t9");
  });
});

describe("mergeResults", () => {
  it("replaces a result by tenant, kind and name", () => {
    const merged = mergeResults([result("t1", "A", "pending"), result("t2", "A", "pending")], [result("t1", "A", "applied")]);
    expect(merged.map((r) => `${r.tenantId}:${r.status}`)).toEqual(["t1:applied", "t2:pending"]);
  });
});
