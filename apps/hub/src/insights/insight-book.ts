import { insightJson } from "@canopy/api";
import type { Insight } from "@canopy/protocol";
import { ShardedCollection, type Store } from "@canopy/store";
import type { InsightEntry } from "./insight-entry.js";
import { InsightIndex } from "./insight-index.js";
import { InsightCollections, entryOf, tenantOfShard, type InsightRecord } from "./insight-records.js";

export interface AppliedInsights {
  /** Entries that are new or changed (in batch order). */
  changed: InsightEntry[];
  /** Of those, how many the hub already held (an older revision). */
  updated: number;
  /** Insights ignored because the hub holds the same or a newer revision. */
  unchanged: number;
}

/**
 * The hub's copy of every tenant's insights: the documents in store partitions per tenant (16
 * shards each), and the federated index over them. Changes go to both, synchronously; the caller flushes the
 * store before it tells anyone (the agent, the live feed) that they were kept.
 */
export class InsightBook {
  readonly index = new InsightIndex();
  readonly #store: Store;
  readonly #partitions = new Map<string, ShardedCollection<InsightRecord>>();

  constructor(store: Store) {
    this.#store = store;
    // A failed write took insights back: the tenants they belong to are indexed again from the store.
    store.onRollback(({ collections }) => {
      const tenants = new Set(collections.map(tenantOfShard).filter((tenantId) => tenantId !== undefined));
      for (const tenantId of tenants) this.#reindex(tenantId);
    });
  }

  /** Indexes what the store holds for these tenants (hub start). */
  load(tenantIds: Iterable<string>): number {
    const partition = (tenantId: string) => this.#partition(tenantId);
    function* entries() {
      for (const tenantId of tenantIds) for (const record of partition(tenantId).all()) yield entryOf(tenantId, record);
    }
    return this.index.load(entries());
  }

  record(tenantId: string, localId: string): InsightRecord | undefined {
    return this.#partition(tenantId).get(localId);
  }

  /**
   * Files insights under `tenantId` (the session's tenant, never a payload's), keeping each only
   * if its revision is newer than the one held: a batch sent twice changes nothing the second time.
   */
  apply(tenantId: string, insights: readonly Insight[]): AppliedInsights {
    const result: AppliedInsights = { changed: [], updated: 0, unchanged: 0 };
    const partition = this.#partition(tenantId);
    for (const insight of insights) {
      const held = partition.get(insight.id);
      if (held && held.revision >= insight.revision) {
        result.unchanged++;
        continue;
      }
      const record = partition.put(insightJson(insight));
      result.changed.push(this.index.upsert(entryOf(tenantId, record)).entry);
      if (held) result.updated++;
    }
    return result;
  }

  /** The tenant is gone: its insights leave the index and the store. */
  dropTenant(tenantId: string): number {
    this.#partition(tenantId).clear();
    this.#partitions.delete(tenantId);
    return this.index.removeTenant(tenantId);
  }

  #reindex(tenantId: string): void {
    this.index.removeTenant(tenantId);
    for (const record of this.#partition(tenantId).all()) this.index.upsert(entryOf(tenantId, record));
  }

  /** The tenant's documents; a change rewrites one of its 16 shard files, not all it holds. */
  #partition(tenantId: string): ShardedCollection<InsightRecord> {
    let partition = this.#partitions.get(tenantId);
    if (!partition) {
      partition = new ShardedCollection<InsightRecord>(this.#store, InsightCollections.tenant(tenantId));
      this.#partitions.set(tenantId, partition);
    }
    return partition;
  }
}
