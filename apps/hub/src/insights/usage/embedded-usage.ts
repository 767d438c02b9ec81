import type { UsageDay } from "@canopy/api";
import type { Collection, Store } from "@canopy/store";
import type { UsageRepository } from "./usage-repository.js";
import { usageCollection, type UsageDayRecord } from "./usage-records.js";

const dayOf = (record: UsageDayRecord): UsageDay => ({ day: record.id, count: record.count, bytes: record.bytes });

/**
 * The embedded usage counters. `add` is synchronous and puts the day's document in the store
 * beside the batch it counts, so the intake's one flush makes both durable together (or, refused,
 * rolls both back).
 */
export class EmbeddedUsage implements UsageRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  add(tenantId: string, day: string, count: number, bytes: number): void {
    if (count === 0) return;
    const docs = this.#docs(tenantId);
    const held = docs.get(day);
    docs.put({ id: day, count: (held?.count ?? 0) + count, bytes: (held?.bytes ?? 0) + bytes });
  }

  async day(tenantId: string, day: string): Promise<UsageDay> {
    const held = this.#docs(tenantId).get(day);
    return held ? dayOf(held) : { day, count: 0, bytes: 0 };
  }

  async days(tenantId: string, from: string, to: string): Promise<UsageDay[]> {
    return this.#docs(tenantId)
      .filter((doc) => doc.id >= from && doc.id <= to)
      .map(dayOf)
      .sort((a, b) => (a.day < b.day ? -1 : 1));
  }

  async forgetBefore(tenantId: string, day: string): Promise<number> {
    const docs = this.#docs(tenantId);
    let removed = 0;
    for (const doc of docs.filter((d) => d.id < day)) if (docs.delete(doc.id)) removed++;
    if (removed > 0) await this.#store.flush();
    return removed;
  }

  /** The tenant is gone (its insights are dropped with it). */
  dropTenant(tenantId: string): void {
    const docs = this.#docs(tenantId);
    for (const doc of docs.all()) docs.delete(doc.id);
  }

  #docs(tenantId: string): Collection<UsageDayRecord> {
    return this.#store.collection<UsageDayRecord>(usageCollection(tenantId));
  }
}
