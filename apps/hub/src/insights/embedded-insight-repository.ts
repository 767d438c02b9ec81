import type { Insight } from "@canopy/protocol";
import type { Store } from "@canopy/store";
import { InsightBook } from "./insight-book.js";
import type { InsightEntry } from "./insight-entry.js";
import { POSTED } from "./insight-index.js";
import type { IndexQuery } from "./insight-query.js";
import type { FacetCount, FacetField, IndexProgress, InsightPage, InsightRepository, StoreOptions, StoredInsights } from "./insight-repository.js";
import type { IndexedInsight, InsightTimeField } from "./insight-source.js";

/** Most frequent first, ties by value: the same order PostgreSQL's `ORDER BY count DESC, value` gives. */
export function topFacets(counts: ReadonlyMap<string, number>, limit: number): FacetCount[] {
  return [...counts]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .slice(0, limit);
}

/**
 * The embedded insight repository: documents in the store's partitions per tenant (cold: read
 * from their files when needed), and the in-memory federated index built from them after start
 * (`open`, in the background). Every answer that needs the index waits until it is built, then
 * comes from memory: never from part of it.
 */
export class EmbeddedInsightRepository implements InsightRepository {
  readonly kind = "embedded" as const;
  readonly book: InsightBook;
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
    this.book = new InsightBook(store);
  }

  async open(tenantIds: readonly string[]): Promise<number> {
    return this.book.load(tenantIds);
  }

  indexProgress(): IndexProgress {
    return this.book.progress;
  }

  store(tenantId: string, insights: readonly Insight[], options: StoreOptions = {}): Promise<StoredInsights> {
    // Synchronously, before returning: the intake's slice flush must carry it (and its count).
    try {
      return Promise.resolve(this.book.store(tenantId, insights, options.countOn));
    } catch (error) {
      // A shard whose file cannot be read (cold, read here): refused, never written over.
      return Promise.reject(error as Error);
    }
  }

  async purgeCreatedBefore(tenantId: string, before: number, limit: number): Promise<string[]> {
    await this.book.indexed();
    // The tenant's oldest first, from the index (its creation-time tree), not a walk over its documents.
    const page = this.book.index.query({ tenantIds: [tenantId], time: { field: "createdAt", from: null, to: before }, sort: "createdAt", order: "asc", limit });
    if (page.items.length === 0) return [];
    const localIds = page.items.map((entry) => entry.localId);
    this.book.remove(tenantId, localIds);
    // Written before they leave the list: a crash in between shows them once more, never loses track.
    await this.#store.flush();
    return this.book.hide(tenantId, localIds);
  }

  durable(): Promise<void> {
    return this.#store.flush();
  }

  async show(tenantId: string, localIds: readonly string[]): Promise<InsightEntry[]> {
    await this.book.indexed();
    return this.book.show(tenantId, localIds);
  }

  async get(key: string): Promise<InsightEntry | undefined> {
    await this.book.indexed();
    return this.book.index.get(key);
  }

  async getMany(keys: readonly string[]): Promise<Map<string, InsightEntry>> {
    await this.book.indexed();
    const found = new Map<string, InsightEntry>();
    for (const key of keys) {
      const entry = this.book.index.get(key);
      if (entry) found.set(key, entry);
    }
    return found;
  }

  async detail(key: string) {
    await this.book.indexed();
    const entry = this.book.index.get(key);
    const record = entry && this.book.record(entry.tenantId, entry.localId, entry.revision);
    return entry && record ? { entry, record } : undefined;
  }

  async list(query: IndexQuery): Promise<InsightPage> {
    await this.book.indexed();
    const { items, nextCursor, total } = this.book.index.query(query);
    return { items, nextCursor, total };
  }

  async facets(field: FacetField, tenantIds: readonly string[] | null, limit: number): Promise<FacetCount[]> {
    await this.book.indexed();
    if (tenantIds === null) return topFacets(this.book.index.valueCounts(field), limit);
    const counts = new Map<string, number>();
    for (const tenantId of new Set(tenantIds)) {
      for (const entry of this.book.index.ofTenant(tenantId)) for (const value of POSTED[field](entry)) counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    return topFacets(counts, limit);
  }

  async inRange(field: InsightTimeField, from: number | null, to: number | null, tenantIds: ReadonlySet<string> | null): Promise<IndexedInsight[]> {
    await this.book.indexed();
    return [...this.book.index.inRange(field, from, to, tenantIds)];
  }

  async dropTenant(tenantId: string): Promise<number> {
    await this.book.indexed();
    return this.book.dropTenant(tenantId);
  }

  async count(): Promise<number> {
    await this.book.indexed();
    return this.book.index.size;
  }
}
