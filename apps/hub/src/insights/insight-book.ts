import { insightJson } from "@canopy/api";
import type { Insight } from "@canopy/protocol";
import type { Collection, Store } from "@canopy/store";
import type { InsightEntry } from "./insight-entry.js";
import { InsightIndex } from "./insight-index.js";
import { INSIGHT_SHARDS, InsightCollections, entryOf, shardOf, type InsightRecord } from "./insight-records.js";

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

  constructor(store: Store) {
    this.#store = store;
  }

  /** Indexes what the store holds for these tenants (hub start). */
  load(tenantIds: Iterable<string>): number {
    let count = 0;
    for (const tenantId of tenantIds) {
      for (const shard of this.#shards(tenantId)) {
        for (const record of shard.all()) {
          this.index.upsert(entryOf(tenantId, record));
          count++;
        }
      }
    }
    return count;
  }

  record(tenantId: string, localId: string): InsightRecord | undefined {
    return this.#partition(tenantId, localId).get(localId);
  }

  /**
   * Files insights under `tenantId` (the session's tenant, never a payload's), keeping each only
   * if its revision is newer than the one held: a batch sent twice changes nothing the second time.
   */
  apply(tenantId: string, insights: readonly Insight[]): AppliedInsights {
    const result: AppliedInsights = { changed: [], updated: 0, unchanged: 0 };
    for (const insight of insights) {
      const partition = this.#partition(tenantId, insight.id);
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
    for (const shard of this.#shards(tenantId)) for (const record of shard.all()) shard.delete(record.id);
    return this.index.removeTenant(tenantId);
  }

  #partition(tenantId: string, localId: string): Collection<InsightRecord> {
    return this.#store.collection<InsightRecord>(InsightCollections.tenant(tenantId, shardOf(localId)));
  }

  #shards(tenantId: string): Collection<InsightRecord>[] {
    return Array.from({ length: INSIGHT_SHARDS }, (_, shard) => this.#store.collection<InsightRecord>(InsightCollections.tenant(tenantId, shard)));
  }
}
