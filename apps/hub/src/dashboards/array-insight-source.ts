import type { IndexedInsight, InsightSource, InsightTimeField } from "../insights/insight-source.js";

/**
 * An `InsightSource` over a plain array, scanned on every call: for tests, and the stand-in
 * while the hub has no insight index. The hub's index answers the same questions from ordered keys.
 */
export class ArrayInsightSource implements InsightSource {
  readonly #insights: readonly IndexedInsight[];

  constructor(insights: readonly IndexedInsight[] = []) {
    this.#insights = insights;
  }

  get size(): number {
    return this.#insights.length;
  }

  *inRange(field: InsightTimeField, from: number | null, to: number | null, tenantIds: ReadonlySet<string> | null): Iterable<IndexedInsight> {
    for (const insight of this.#insights) {
      const at = insight[field];
      if (at === null) continue;
      if (from !== null && at < from) continue;
      if (to !== null && at >= to) continue;
      if (tenantIds !== null && !tenantIds.has(insight.tenantId)) continue;
      yield insight;
    }
  }
}
