import type { InsightSeverity, InsightStatus } from "@canopy/protocol";

/** The timestamps an insight query or widget can bound. */
export type InsightTimeField = "createdAt" | "updatedAt" | "closedAt";

/**
 * One insight as the hub's federated index holds it: the fields lists, filters and widgets use,
 * with times as epoch milliseconds. `key` is the hub's id, `<tenantId>~<localId>`.
 */
export interface IndexedInsight {
  readonly key: string;
  readonly tenantId: string;
  readonly localId: string;
  readonly title: string;
  readonly severity: InsightSeverity;
  readonly status: InsightStatus;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly closedAt: number | null;
  readonly ruleId: string | null;
  readonly ruleName: string | null;
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly hosts: readonly string[];
  readonly users: readonly string[];
  readonly assignee: string | null;
  readonly revision: number;
}

/**
 * The read side of the federated index that dashboards need: every insight whose `field` time
 * lies in `[from, to)` (null: unbounded; insights with a null `closedAt` never match a
 * `closedAt` range), optionally only those of `tenantIds`. Uses the index's ordered time keys,
 * so the cost follows the size of the range, not of the whole index.
 */
export interface InsightSource {
  readonly size: number;
  inRange(
    field: InsightTimeField,
    from: number | null,
    to: number | null,
    tenantIds: ReadonlySet<string> | null,
  ): Iterable<IndexedInsight>;
}
