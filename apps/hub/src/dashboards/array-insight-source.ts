import type { IndexedInsight } from "../insights/insight-source.js";
import { CountedInsights } from "./counted-insights.js";

const byKey = (a: IndexedInsight, b: IndexedInsight) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Figures over a plain array, scanned per scope and put in the index's order: for tests. */
export class ArrayInsightSource extends CountedInsights {
  constructor(insights: readonly IndexedInsight[] = []) {
    super(({ field, from, tenantIds }) =>
      insights
        .filter((insight) => {
          const at = insight[field];
          return at !== null && (from === null || at >= from) && (tenantIds === null || tenantIds.has(insight.tenantId));
        })
        .sort((a, b) => a[field]! - b[field]! || byKey(a, b)),
    );
  }
}
