import type { ContentKind } from "@canopy/content";

/**
 * How far an item's targets hold its current revision. `total` counts the tenants whose desired
 * state holds the item; `synchronized` = total > 0 and every one of them holds the current
 * revision, undrifted (an item pushed nowhere is not synchronized).
 */
export interface SyncSummary {
  synchronized: boolean;
  total: number;
  applied: number;
  pending: number;
  failed: number;
  drifted: number;
}

/** One target tenant of an item: what it holds (or is owed) and in which state. */
export interface TenantSync {
  tenantId: string;
  tenantName: string;
  state: "applied" | "pending" | "failed" | "drifted";
  /** The revision the tenant holds or is to hold. */
  revision: number;
  error?: string;
}

/**
 * Read side of the push engine, as the content routes need it (implemented in `src/push/`).
 * `summary` answers from state in memory, once per item of a listed page; `detail` names the
 * tenants, so it asks the tenants' repository once.
 */
export interface SyncReader {
  /** `item`: the catalogue's item as it is now (its current revision is the one to hold). */
  summary(item: { id: string; revision: number }): SyncSummary;
  detail(kind: ContentKind, itemId: string): Promise<TenantSync[]>;
}
