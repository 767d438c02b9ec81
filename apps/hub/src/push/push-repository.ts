import type { PushProgress, PushResultStatus, PushState } from "@canopy/api";
import type { ContentKind } from "@canopy/content";
import type { ItemKey, PushPlanDoc, PushRecord } from "./push-records.js";

/** One result as stored: a tenant and item of a push. */
export interface StoredResult {
  pushId: string;
  tenantId: string;
  key: ItemKey;
  status: PushResultStatus;
  error?: string;
}

/** `GET /pushes` as the repository answers it: newest first, keyset by id (ids sort by creation). */
export interface PushPageQuery {
  limit: number;
  /** The last id of the previous page. */
  cursor?: string | undefined;
  createdBy?: string | undefined;
  /** Pushes made by users of these organizations (a caller's scope); absent: all. */
  orgIds?: ReadonlySet<string> | undefined;
  state?: PushState | undefined;
  kind?: ContentKind | undefined;
  /** Pushes whose plan targets this tenant. */
  tenantId?: string | undefined;
  /** Pushes whose plan holds this catalogue item. */
  itemId?: string | undefined;
}

export interface ResultFilter {
  statuses?: readonly PushResultStatus[];
  tenantIds?: readonly string[];
}

/**
 * The push history: each push's record, its plan (items and tenants, written once) and a result
 * per tenant and item. Implemented on the embedded store (`embedded-pushes.ts`: the partitions of
 * push-records.ts, read as they are on disk) and on PostgreSQL (`postgres/postgres-pushes.ts`).
 * Reads answer what is durable; writes are part of the caller's unit of work (`HubData.write`).
 */
export interface PushRepository {
  /** A new push: its record, its plan and a pending result for every tenant and item of the plan. */
  create(record: PushRecord, plan: PushPlanDoc): Promise<void>;
  get(pushId: string): Promise<PushRecord | undefined>;
  page(query: PushPageQuery): Promise<{ items: PushRecord[]; nextCursor: string | null }>;
  /** Every push in one of these states, oldest first (start-up: what was running or stopped). */
  inStates(states: readonly PushState[]): Promise<PushRecord[]>;
  plan(pushId: string): Promise<PushPlanDoc | undefined>;
  /** The push's results, tenant by tenant and item by item in plan order; `filter` keeps some. */
  results(pushId: string, filter?: ResultFilter): Promise<StoredResult[]>;
  /** Counts of the push's results by status, as stored (`total` is every result). */
  progress(pushId: string): Promise<PushProgress>;
  /**
   * Results of the pushes created in [from, to) (ms; `from` null: since the first), counted by
   * status; `tenantIds` keeps only those tenants' results (dashboards).
   */
  outcomes(from: number | null, to: number, tenantIds: ReadonlySet<string> | null): Promise<Record<PushResultStatus, number>>;
  /** The record's new state: state, finishedAt, stoppedBy, progress. */
  saveRecord(record: PushRecord): Promise<void>;
  /** Results that moved; a result the push's plan does not hold is refused (an error). */
  saveResults(results: readonly StoredResult[]): Promise<void>;
}
