import type { WidgetData } from "@canopy/api";

export const TOP_LIMIT = 10;

/** The `limit` largest counts, ties by label, as `counts` data. */
export function topCounts(counts: ReadonlyMap<string, { label: string; value: number }>, limit = TOP_LIMIT): WidgetData {
  const rows = [...counts.entries()]
    .map(([key, { label, value }]) => ({ key, label, value }))
    .sort((a, b) => b.value - a.value || a.label.localeCompare(b.label) || a.key.localeCompare(b.key))
    .slice(0, limit);
  return { kind: "counts", rows };
}
