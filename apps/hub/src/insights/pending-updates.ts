import type { InsightUpdateRequest } from "@canopy/protocol";
import type { Collection, Store } from "@canopy/store";
import { hubInsightId } from "./insight-entry.js";
import { InsightCollections, type PendingUpdateRecord, type UpdateErrorRecord } from "./insight-records.js";

const bySeq = (a: PendingUpdateRecord, b: PendingUpdateRecord) => a.seq - b.seq;

/** The wire form of a stored update. */
export function updateRequest(record: PendingUpdateRecord): InsightUpdateRequest {
  const { comment, ...rest } = record.changes;
  return {
    updateId: record.id,
    insightId: record.localId,
    changes: { ...rest, ...(comment ? { comment: { ...comment, at: new Date(comment.at) } } : {}) },
    actor: record.actor,
    requestedAt: new Date(record.requestedAt),
  };
}

/**
 * Changes asked from the hub and not yet acknowledged by the tenant's agent (durable, so a hub
 * restart resends them), and the last refusal per insight. Kept in memory by tenant and by
 * insight as well, since every list item shows its pending change.
 */
export class PendingUpdates {
  readonly #updates: Collection<PendingUpdateRecord>;
  readonly #errors: Collection<UpdateErrorRecord>;
  readonly #byTenant = new Map<string, Map<string, PendingUpdateRecord>>();
  readonly #byInsight = new Map<string, PendingUpdateRecord[]>();
  #seq = 0;

  constructor(store: Store) {
    this.#updates = store.collection<PendingUpdateRecord>(InsightCollections.updates);
    this.#errors = store.collection<UpdateErrorRecord>(InsightCollections.updateErrors);
    this.#rebuild();
    store.onRollback(({ collections }) => {
      if (collections.includes(InsightCollections.updates)) this.#rebuild();
    });
  }

  get size(): number {
    return this.#updates.size;
  }

  nextSeq(): number {
    return ++this.#seq;
  }

  add(record: PendingUpdateRecord): void {
    this.#updates.put(record);
    this.#remember(record);
    this.#errors.delete(hubInsightId(record.tenantId, record.localId));
  }

  get(updateId: string): PendingUpdateRecord | undefined {
    return this.#updates.get(updateId);
  }

  /**
   * An acknowledged update leaves the store now, but stays pending in what is shown (the
   * in-memory indexes) until `forget`, once that removal is on disk: until then a crash would
   * bring it back, so the board must not show the change as done.
   */
  removeStored(updateId: string): PendingUpdateRecord | undefined {
    const record = this.#updates.get(updateId);
    if (record) this.#updates.delete(updateId);
    return record;
  }

  /** The update is no longer pending as far as anyone is shown (its removal is durable). */
  forget(record: PendingUpdateRecord): void {
    const tenant = this.#byTenant.get(record.tenantId);
    tenant?.delete(record.id);
    if (tenant?.size === 0) this.#byTenant.delete(record.tenantId);
    const key = hubInsightId(record.tenantId, record.localId);
    const left = (this.#byInsight.get(key) ?? []).filter((r) => r.id !== record.id);
    if (left.length === 0) this.#byInsight.delete(key);
    else this.#byInsight.set(key, left);
  }

  /** A tenant's pending updates in the order they were asked. */
  forTenant(tenantId: string): PendingUpdateRecord[] {
    return Array.from(this.#byTenant.get(tenantId)?.values() ?? []).sort(bySeq);
  }

  /** One insight's pending updates, oldest first. */
  forInsight(key: string): readonly PendingUpdateRecord[] {
    return this.#byInsight.get(key) ?? [];
  }

  /** The agent refused an update: keep why, for the insight's view, until the next change. */
  recordError(record: PendingUpdateRecord, error: string, at: string): void {
    this.#errors.put({ id: hubInsightId(record.tenantId, record.localId), tenantId: record.tenantId, updateId: record.id, error, at, requestedBy: record.actor });
  }

  clearError(key: string): void {
    this.#errors.delete(key);
  }

  /** The last refusal as it is on disk (shown beside the insight: a refusal not yet durable is not shown). */
  error(key: string): UpdateErrorRecord | undefined {
    return this.#errors.durable(key);
  }

  dropTenant(tenantId: string): void {
    for (const record of this.forTenant(tenantId)) {
      this.#updates.delete(record.id);
      this.forget(record);
    }
    for (const error of this.#errors.filter((e) => e.tenantId === tenantId)) this.#errors.delete(error.id);
  }

  /** The memory indexes from the collection (start, and after a failed write took updates back). */
  #rebuild(): void {
    this.#byTenant.clear();
    this.#byInsight.clear();
    for (const record of this.#updates.all().sort(bySeq)) this.#remember(record);
  }

  #remember(record: PendingUpdateRecord): void {
    this.#seq = Math.max(this.#seq, record.seq);
    let tenant = this.#byTenant.get(record.tenantId);
    if (!tenant) this.#byTenant.set(record.tenantId, (tenant = new Map()));
    tenant.set(record.id, record);
    const key = hubInsightId(record.tenantId, record.localId);
    this.#byInsight.set(key, [...(this.#byInsight.get(key) ?? []), record]);
  }
}
