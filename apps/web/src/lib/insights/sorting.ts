import type { InsightSeverity, InsightSummary } from "$lib/api";
import type { InsightSort, SortOrder } from "./filters";

const SEVERITY_RANK: Record<InsightSeverity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** Compares two insights the way the hub orders them for `sort`/`order` (ties by id, stable). */
export function compareInsights(sort: InsightSort, order: SortOrder) {
  const sign = order === "asc" ? 1 : -1;
  const key = (insight: InsightSummary): number =>
    sort === "severity" ? SEVERITY_RANK[insight.severity] : Date.parse(sort === "updatedAt" ? insight.updatedAt : insight.createdAt);
  return (a: InsightSummary, b: InsightSummary): number => sign * (key(a) - key(b)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}
