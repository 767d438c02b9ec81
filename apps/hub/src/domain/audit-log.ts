import { ROOT_ORG_ID } from "@canopy/api";
import type { Collection, Store } from "@canopy/store";
import { isoAt, type Clock } from "../core/clock.js";
import { newSortableId } from "../core/ids.js";
import { currentRequest } from "../core/request-context.js";
import type { AuditPage, AuditQuery, AuditReader } from "./audit-reader.js";
import { auditCollection, Collections, type AuditRecord, type MetaRecord } from "./records.js";

export interface AuditEntryInput {
  actor: string;
  action: string;
  target?: string | null;
  detail?: Record<string, unknown>;
  /** The organization the change concerns; default: the tenant a `tenant:<id>` target names, else the root. */
  orgId?: string | undefined;
}

export type { AuditQuery } from "./audit-reader.js";

/**
 * Entries per audit partition before the next one starts: a write of the log rewrites at most
 * this many (~100 KB: entries are ~350 bytes), however busy the day.
 */
export const AUDIT_CHUNK_ENTRIES = 300;

const PARTITIONS = "audit-partitions";



/**
 * Which organization an entry concerns (absent: the root), and the address of the request that
 * made the change: given, else the tenant its target names, else the caller's organization.
 */
function orgAndAddress(input: AuditEntryInput): { orgId?: string; address?: string } {
  const request = currentRequest();
  const tenant = input.target?.startsWith("tenant:") ? input.target.slice("tenant:".length) : undefined;
  const orgId = input.orgId ?? tenant ?? request?.orgId;
  return { ...(orgId !== undefined && orgId !== ROOT_ORG_ID ? { orgId } : {}), ...(request ? { address: request.address } : {}) };
}

/** The entry as kept: its id sorts by time, so pages go by id. */
export function auditEntry(input: AuditEntryInput, now: number): AuditRecord {
  return {
    id: newSortableId("aud", now),
    at: isoAt(now),
    actor: input.actor,
    action: input.action,
    target: input.target ?? null,
    detail: input.detail ?? {},
    ...orgAndAddress(input),
  };
}

/**
 * Append-only record of who changed what. Partitioned by day (`audit.YYYY-MM-DD`), and a busy
 * day in chunks of AUDIT_CHUNK_ENTRIES (`audit.YYYY-MM-DD.1`, `.2`, …), so appending rewrites
 * one small partition, never the history. Month partitions (`audit.YYYY-MM`) that older versions
 * wrote are read as they are. Ids sort by time, so paging is by id.
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
    const entry = auditEntry(input, this.#clock());
    const day = entry.at.slice(0, 10);
    const meta = this.#meta.get(PARTITIONS);
    const days = meta?.days ?? [];
    // Once a day: the list of days grows with time, not with how much happens.
    if (!days.includes(day)) this.#meta.put({ id: PARTITIONS, months: meta?.months ?? [], days: [...days, day].sort() });
    return this.#writable(day).put(entry);
  }

  /** Newest first. `cursor` is the id of the last entry of the previous page. */
  list(query: AuditQuery): Promise<AuditPage> {
    return this.#reader.list(query);
  }

  #listInMemory(query: AuditQuery): AuditPage {
    const items: AuditRecord[] = [];
    for (const period of this.#newestFirst()) {
      const matching = period
        .flatMap((partition) => partition.filter(
          (e) =>
            (query.cursor === undefined || e.id < query.cursor) &&
            (query.action === undefined || e.action === query.action) &&
            (query.target === undefined || e.target === query.target) &&
            (query.orgIds === undefined || query.orgIds.has(e.orgId ?? ROOT_ORG_ID)),
        ))
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

  /**
   * The day's first chunk that is not full (the chunks before it are). On PostgreSQL the audit
   * leaves memory once durable, so every chunk looks empty and entries go to the day's first:
   * there a chunk is only a name, each entry being a row of its own.
   */
  #writable(day: string): Collection<AuditRecord> {
    for (let chunk = 0; ; chunk++) {
      const partition = this.#partition(day, chunk);
      if (partition.size < AUDIT_CHUNK_ENTRIES) return partition;
    }
  }

  /**
   * Every period's partitions, newest period first: days and months by name descending (a day
   * sorts before its month: the month partition holds what was written before the upgrade). A
   * day's chunks are found by probing until two in a row are empty (a failed write can empty one
   * that a later one follows, until the next entry fills it again); they are sorted together.
   */
  *#newestFirst(): Generator<Collection<AuditRecord>[]> {
    const meta = this.#meta.get(PARTITIONS);
    const periods = [...(meta?.months ?? []), ...(meta?.days ?? [])].sort().reverse();
    for (const period of periods) {
      if (period.length === 7) {
        yield [this.#partition(period, 0)];
        continue;
      }
      const chunks: Collection<AuditRecord>[] = [];
      for (let chunk = 0, empty = 0; empty < 2; chunk++) {
        const partition = this.#partition(period, chunk);
        empty = partition.size === 0 ? empty + 1 : 0;
        chunks.push(partition);
      }
      yield chunks;
    }
  }

  #partition(period: string, chunk: number): Collection<AuditRecord> {
    return this.#store.collection<AuditRecord>(auditCollection(period, chunk));
  }
}
