import type { Widget } from "@canopy/api";
import type { IndexedInsight, InsightSource, InsightTimeField } from "../insights/insight-source.js";
import { LIFECYCLE_FIELD, windowOf } from "./time-window.js";
import { WIDGETS } from "./widgets/registry.js";
import { tenantSet } from "./widgets/widget-context.js";

/** The hub's insights as dashboards read them: asynchronously (the repository may be PostgreSQL). */
export interface InsightRangeReader {
  inRange(field: InsightTimeField, from: number | null, to: number | null, tenantIds: ReadonlySet<string> | null): Promise<readonly IndexedInsight[]>;
}

const scopeKey = (field: InsightTimeField, from: number | null, to: number | null, tenantIds: ReadonlySet<string> | null) =>
  JSON.stringify([field, from, to, tenantIds === null ? null : [...tenantIds].sort()]);

/**
 * Reads, once per distinct scope, the insights `widgets` will count at `now`, and answers them
 * as the synchronous `InsightSource` widgets compute from: widgets stay pure functions, and the
 * repository is asked once per scope (widgets of one dashboard usually share range and tenants).
 * The scopes are the ones `insightsIn` asks for (window start, no upper bound).
 */
export async function prefetchInsights(widgets: readonly Widget[], reader: InsightRangeReader, now: number): Promise<InsightSource> {
  const answers = new Map<string, readonly IndexedInsight[]>();
  for (const widget of widgets) {
    if (WIDGETS[widget.type].uses !== "range-and-lifecycle") continue;
    const field = LIFECYCLE_FIELD[widget.lifecycle];
    const from = windowOf(widget.range, now).from;
    const tenantIds = tenantSet(widget.tenants);
    const key = scopeKey(field, from, null, tenantIds);
    if (!answers.has(key)) answers.set(key, await reader.inRange(field, from, null, tenantIds));
  }
  return {
    size: 0,
    inRange(field, from, to, tenantIds) {
      const answer = answers.get(scopeKey(field, from, to, tenantIds));
      // A widget asking for a scope it did not declare is a programming error, not an empty chart.
      if (!answer) throw new Error(`insights of ${scopeKey(field, from, to, tenantIds)} were not read before computing`);
      return answer;
    },
  };
}
