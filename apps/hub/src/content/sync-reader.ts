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
 * `summaries` answers a listed page in one read; `detail` names the tenants, so it asks the
 * tenants' repository once.
 */
export interface SyncReader {
  /** `items`: the catalogue's items as they are now (the current revision is the one to hold); by item id. */
  summaries(items: readonly { id: string; revision: number }[]): Promise<Map<string, SyncSummary>>;
  detail(kind: ContentKind, itemId: string): Promise<TenantSync[]>;
}
