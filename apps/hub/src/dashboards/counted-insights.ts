import type { IndexedInsight } from "../insights/insight-source.js";
import { scopeKey, type BucketCount, type BucketFrame, type InsightFigures, type InsightScope, type RuleCount, type TallyRow, type TechniqueCount } from "./insight-figures.js";

/** The insights of a scope, in its time order (ties by id): the order in which a rule's first name is taken. */
export type ScopeRows = (scope: InsightScope) => Iterable<IndexedInsight> | Promise<Iterable<IndexedInsight>>;

/** One more under `key`; the row is made (at 0) by its first. */
function countInto<R extends { count: number }>(counts: Map<string, R>, key: string, make: () => R): void {
  let held = counts.get(key);
  if (!held) counts.set(key, (held = make()));
  held.count++;
}

/**
 * Figures counted in Node over the rows of each scope: the embedded store, whose index holds
 * every insight in memory anyway, and tests' arrays. Each scope is read once for the life of the
 * object (one computation), whichever figures are asked of it.
 */
export class CountedInsights implements InsightFigures {
  readonly #read: ScopeRows;
  readonly #rows = new Map<string, Promise<readonly IndexedInsight[]>>();

  constructor(read: ScopeRows) {
    this.#read = read;
  }

  #of(scope: InsightScope): Promise<readonly IndexedInsight[]> {
    const key = scopeKey(scope);
    let rows = this.#rows.get(key);
    if (!rows) this.#rows.set(key, (rows = Promise.resolve(this.#read(scope)).then((read) => [...read])));
    return rows;
  }

  async tally(scope: InsightScope): Promise<TallyRow[]> {
    const counts = new Map<string, TallyRow>();
    for (const { tenantId, status, severity } of await this.#of(scope)) {
      countInto(counts, `${status} ${severity} ${tenantId}`, () => ({ tenantId, status, severity, count: 0 }));
    }
    return [...counts.values()];
  }

  async rules(scope: InsightScope): Promise<RuleCount[]> {
    const counts = new Map<string, RuleCount>();
    for (const { ruleId, ruleName } of await this.#of(scope)) {
      if (ruleId !== null) countInto(counts, ruleId, () => ({ ruleId, label: ruleName ?? ruleId, count: 0 }));
    }
    return [...counts.values()];
  }

  async techniques(scope: InsightScope): Promise<TechniqueCount[]> {
    const counts = new Map<string, TechniqueCount>();
    for (const insight of await this.#of(scope)) {
      for (const technique of new Set(insight.techniques)) countInto(counts, technique, () => ({ technique, count: 0 }));
    }
    return [...counts.values()];
  }

  async earliest(scope: InsightScope): Promise<number | null> {
    let earliest: number | null = null;
    for (const insight of await this.#of(scope)) {
      const at = insight[scope.field]!;
      if (earliest === null || at < earliest) earliest = at;
    }
    return earliest;
  }

  async buckets(scope: InsightScope, frame: BucketFrame): Promise<BucketCount[]> {
    const counts = new Map<string, BucketCount>();
    for (const insight of await this.#of(scope)) {
      const bucket = Math.max(0, Math.min(frame.count - 1, Math.floor((insight[scope.field]! - frame.first) / frame.size)));
      countInto(counts, `${bucket} ${insight.severity}`, () => ({ bucket, severity: insight.severity, count: 0 }));
    }
    return [...counts.values()];
  }
}
