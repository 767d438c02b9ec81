import type { IndexedInsight, InsightSource, InsightTimeField } from "../insights/insight-source.js";

/**
 * Remembers each distinct query's answer for the life of one computation: a dashboard's insight
 * widgets usually share a range, lifecycle and tenants, so the index is walked once, not once per widget.
 */
export class MemoInsightSource implements InsightSource {
  readonly #source: InsightSource;
  readonly #answers = new Map<string, readonly IndexedInsight[]>();

  constructor(source: InsightSource) {
    this.#source = source;
  }

  get size(): number {
    return this.#source.size;
  }

  inRange(field: InsightTimeField, from: number | null, to: number | null, tenantIds: ReadonlySet<string> | null): Iterable<IndexedInsight> {
    const key = JSON.stringify([field, from, to, tenantIds === null ? null : [...tenantIds].sort()]);
    let answer = this.#answers.get(key);
    if (!answer) {
      answer = [...this.#source.inRange(field, from, to, tenantIds)];
      this.#answers.set(key, answer);
    }
    return answer;
  }
}
