import type { Collection, Store } from "@canopy/store";
import { isoAt, type Clock } from "../core/clock.js";
import { newSortableId } from "../core/ids.js";
import type { AuditPage, AuditQuery, AuditReader } from "./audit-reader.js";
import { auditCollection, Collections, type AuditRecord, type MetaRecord } from "./records.js";

export interface AuditEntryInput {
  actor: string;
  action: string;
  target?: string | null;
  detail?: Record<string, unknown>;
}

export type { AuditQuery } from "./audit-reader.js";

/**
 * Append-only record of who changed what. Partitioned by month (`audit.YYYY-MM`) so appending
 * rewrites one month's file, not the whole history. Ids sort by time, so paging is by id.
 */
export class AuditLog {
  readonly #store: Store;
  readonly #meta: Collection<MetaRecord>;
  readonly #clock: Clock;
  readonly #reader: AuditReader;

  /** `reader`: where pages come from when the store keeps the audit out of memory (PostgreSQL). */
  constructor(store: Store, clock: Clock, reader?: AuditReader) {
    this.#store = store;
    this.#meta = store.collection<MetaRecord>(Collections.meta);
    this.#clock = clock;
    this.#reader = reader ?? { list: (query) => Promise.resolve(this.#listInMemory(query)) };
  }

  record(input: AuditEntryInput): AuditRecord {
    const now = this.#clock();
    const at = isoAt(now);
    const month = at.slice(0, 7);
    const months = this.#meta.get("audit-partitions")?.months ?? [];
    if (!months.includes(month)) this.#meta.put({ id: "audit-partitions", months: [...months, month].sort() });
    return this.#partition(month).put({
      id: newSortableId("aud", now),
      at,
      actor: input.actor,
      action: input.action,
      target: input.target ?? null,
      detail: input.detail ?? {},
    });
  }

  /** Newest first. `cursor` is the id of the last entry of the previous page. */
  list(query: AuditQuery): Promise<AuditPage> {
    return this.#reader.list(query);
  }

  #listInMemory(query: AuditQuery): AuditPage {
    const months = [...(this.#meta.get("audit-partitions")?.months ?? [])].reverse();
    const items: AuditRecord[] = [];
    for (const month of months) {
      const matching = this.#partition(month)
        .filter(
          (e) =>
            (query.cursor === undefined || e.id < query.cursor) &&
            (query.action === undefined || e.action === query.action) &&
            (query.target === undefined || e.target === query.target),
        )
        .sort((a, b) => (a.id < b.id ? 1 : -1));
      for (const entry of matching) {
        items.push(entry);
        if (items.length > query.limit) {
          items.pop();
          return { items, nextCursor: items[items.length - 1]!.id };
        }
      }
    }
    return { items, nextCursor: null };
  }

  #partition(month: string): Collection<AuditRecord> {
    return this.#store.collection<AuditRecord>(auditCollection(month));
  }
}
