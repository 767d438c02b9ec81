import { describe, expect, it } from "vitest";
import type { InsightSummary } from "$lib/api";
import { compareInsights } from "./sorting";

const card = (id: string, severity: InsightSummary["severity"], createdAt: string) => ({ id, severity, createdAt, updatedAt: createdAt }) as InsightSummary;

describe("board column order", () => {
  const a = card("a", "low", "2025-01-01T00:00:00Z");
  const b = card("b", "critical", "2025-01-03T00:00:00Z");
  const c = card("c", "high", "2025-01-02T00:00:00Z");

  it("follows the sort the filters chose", () => {
    expect([a, b, c].sort(compareInsights("createdAt", "desc")).map((x) => x.id)).toEqual(["b", "c", "a"]);
    expect([a, b, c].sort(compareInsights("createdAt", "asc")).map((x) => x.id)).toEqual(["a", "c", "b"]);
    expect([a, b, c].sort(compareInsights("severity", "desc")).map((x) => x.id)).toEqual(["b", "c", "a"]);
  });
});
