import type { SyncSummary } from "../content/sync-reader.js";
import type { DesiredEntry, ItemKey, ReportedEntry } from "./push-records.js";

/** One tenant's state as stored. */
export interface TenantStateDocs {
  /** Desired entries in the order their keys were first desired (a push's dependencies first); a put of a key already there keeps its place. */
  desired: DesiredEntry[];
  reported: ReportedEntry[];
}

/** What one unit of work changes of one tenant's state. */
export interface TenantStateChange {
  tenantId: string;
  /** Everything the tenant had goes first (it was deleted); the puts below, if any, follow. */
  forget?: boolean;
  putDesired: DesiredEntry[];
  deleteDesired: ItemKey[];
  putReported: ReportedEntry[];
  deleteReported: ItemKey[];
}

/** A tenant whose desired state holds a catalogue item, with what it is owed and what it said it holds. */
export interface ItemTarget {
  tenantId: string;
  desired: DesiredEntry;
  reported: ReportedEntry | undefined;
}

/** A desired entry's place: which tenant, which key. */
export interface DesiredRef {
  tenantId: string;
  key: ItemKey;
}

/**
 * Per tenant, the desired state (what pushes decided it should hold: `DesiredEntry` by item key)
 * and the reported state (what its agent said it holds: `ReportedEntry` by item key). Delivery
 * works on a working set in memory (TenantState) loaded from here; reads for users (sync state
 * of catalogue items) come straight from here, so they show only what is durable.
 */
export interface TenantStateRepository {
  /** The state of each of `tenantIds`, by id; a tenant with no state has empty lists. */
  load(tenantIds: readonly string[]): Promise<Map<string, TenantStateDocs>>;
  /** Every tenant whose desired state holds catalogue item `itemId`, with its desired and reported entry for it. */
  targets(itemId: string): Promise<ItemTarget[]>;
  /**
   * How far each item's targets hold its current revision (see SyncSummary and `tenantSyncState`
   * in sync-state.ts), by item id; an item no desired state holds has total 0.
   */
  summaries(items: readonly { id: string; revision: number }[]): Promise<Map<string, SyncSummary>>;
  /** The distinct push ids desired entries name (after a restart: those whose push is gone or stopped are looked at). */
  namedPushes(): Promise<string[]>;
  /** The desired entries that name `pushId`. */
  namedBy(pushId: string): Promise<DesiredRef[]>;
  /** Applies the changes, in order. In a unit of work: written with the rest of it, or not at all. */
  save(changes: readonly TenantStateChange[]): Promise<void>;
}
