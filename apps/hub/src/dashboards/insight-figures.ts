import type { InsightSeverity, InsightStatus } from "@canopy/protocol";
import type { InsightTimeField } from "../insights/insight-source.js";

/**
 * The insights one widget counts: `field` from `from` on (null: since the beginning), of
 * `tenantIds` (null: all). No upper bound: an insight stamped after the hub's `now` (an agent
 * whose clock runs ahead) is as recent as any, so it counts as now instead of staying out of
 * every window, "All time" too. A null `closedAt` is in no scope of `closedAt`.
 */
export interface InsightScope {
  readonly field: InsightTimeField;
  readonly from: number | null;
  readonly tenantIds: ReadonlySet<string> | null;
}

/** How many insights of a scope a tenant has with one status and severity (no row for none). */
export interface TallyRow {
  readonly tenantId: string;
  readonly status: InsightStatus;
  readonly severity: InsightSeverity;
  readonly count: number;
}

/** A rule's insights; `label` is the rule name of its first insight in the scope's time order (then id), or the rule id when that has none. */
export interface RuleCount {
  readonly ruleId: string;
  readonly label: string;
  readonly count: number;
}

/** Insights naming a technique (once per insight, however often it names it). */
export interface TechniqueCount {
  readonly technique: string;
  readonly count: number;
}

/** `count` buckets of `size` ms from `first`; the last also holds every later insight. `first` is at or before the scope's start. */
export interface BucketFrame {
  readonly first: number;
  readonly size: number;
  readonly count: number;
}

export interface BucketCount {
  /** 0 … frame.count - 1 */
  readonly bucket: number;
  readonly severity: InsightSeverity;
  readonly count: number;
}

/**
 * The figures insight widgets show, asked per scope. Counted where the insights are: on
 * PostgreSQL by GROUP BY queries (postgres-insight-figures.ts), so a widget's cost does not
 * follow the rows it covers; in memory over the index's rows otherwise (counted-insights.ts).
 * Both give the same figures (widget-figures.contract.test.ts).
 */
export interface InsightFigures {
  tally(scope: InsightScope): Promise<readonly TallyRow[]>;
  rules(scope: InsightScope): Promise<readonly RuleCount[]>;
  techniques(scope: InsightScope): Promise<readonly TechniqueCount[]>;
  /** The earliest `field` time in the scope; null when it is empty. */
  earliest(scope: InsightScope): Promise<number | null>;
  buckets(scope: InsightScope, frame: BucketFrame): Promise<readonly BucketCount[]>;
}

/** One string per distinct scope (the tenant set in any order). */
export const scopeKey = (scope: InsightScope): string =>
  JSON.stringify([scope.field, scope.from, scope.tenantIds === null ? null : [...scope.tenantIds].sort()]);
