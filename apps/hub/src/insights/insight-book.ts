import { insightJson } from "@canopy/api";
import type { Insight } from "@canopy/protocol";
import { ShardedCollection, type Store } from "@canopy/store";
import { Slicer, YIELDING, type BuildPacing } from "./build-pacing.js";
import { compactEntry, StringPool } from "./compact-entry.js";
import { hubInsightId, type InsightEntry } from "./insight-entry.js";
import { InsightIndex } from "./insight-index.js";
import { InsightCollections, entryOf, tenantOfShard, type InsightRecord } from "./insight-records.js";
import type { IndexProgress, StoredInsights } from "./insight-repository.js";
import { EmbeddedUsage } from "./usage/embedded-usage.js";

export type { IndexProgress, StoredInsights } from "./insight-repository.js";

/**
 * The hub's copy of every tenant's insights: the documents in store partitions per tenant (16
 * shards each), and the federated index over them (what lists, boards and dashboards show).
 * A change goes to the documents first (`store`); the caller flushes, and only once the flush
 * is done does it `show` them (issue 10: nothing is visible before it is durable, so a crash
 * cannot take back what a user saw).
 */
export class InsightBook {
  readonly index = new InsightIndex();
  /** Per-day counts of accepted insights, written with the batches they count. */
  readonly usage: EmbeddedUsage;
  readonly #store: Store;
  readonly #partitions = new Map<string, ShardedCollection<InsightRecord>>();
  /** Settles once `load` is done (at once when nothing is loaded): what needs the index waits for it. */
  #indexed: Promise<unknown> = Promise.resolve();
  #progress: IndexProgress = { building: false, shards: 0, shardsRead: 0, insightsRead: 0, insightsIndexed: 0 };

  constructor(store: Store) {
    this.#store = store;
    this.usage = new EmbeddedUsage(store);
    // A failed write took insights back: the tenants they belong to are indexed again from the store.
    store.onRollback(({ collections }) => {
      const tenants = new Set(collections.map(tenantOfShard).filter((tenantId) => tenantId !== undefined));
      const reindex = () => {
        for (const tenantId of tenants) this.#reindex(tenantId);
      };
      // While the index is built it is not touched: the tenants are indexed again once it is.
      if (this.#progress.building) void this.#indexed.then(reindex, reindex);
      else reindex();
    });
  }

  /** Resolves once the index holds everything stored (never rejects: a failed load indexed what it could). */
  indexed(): Promise<void> {
    return this.#indexed.then(
      () => {},
      () => {},
    );
  }

  /** The index is being built: lists, boards and counts wait for it rather than answer from part of it. */
  get indexing(): boolean {
    return this.#progress.building;
  }

  /** How far the build is (for /healthz): shards read, insights read, insights posted. */
  get progress(): IndexProgress {
    return { ...this.#progress };
  }

  /**
   * Indexes what the store holds for these tenants (hub start), one shard file at a time without
   * blocking (on the embedded store the insight shards are cold: read here and let go, see
   * open-hub-store.ts), then posts and sorts in slices (`pacing`) so the hub keeps answering
   * pings, agents and pushes meanwhile. A shard that cannot be read is left out and named in
   * the error thrown once the rest is indexed (it is never written over: a write to it fails as
   * its read did).
   */
  load(tenantIds: readonly string[], pacing: BuildPacing = YIELDING): Promise<number> {
    this.#progress = { building: true, shards: 0, shardsRead: 0, insightsRead: 0, insightsIndexed: 0 };
    const loading = this.#load(tenantIds, pacing).finally(() => {
      this.#progress.building = false;
    });
    this.#indexed = loading;
    return loading;
  }

  async #load(tenantIds: readonly string[], pacing: BuildPacing): Promise<number> {
    const progress = this.#progress;
    const partitions = tenantIds.map((tenantId) => [tenantId, this.#partition(tenantId)] as const);
    progress.shards = partitions.reduce((sum, [, partition]) => sum + partition.shards.length, 0);
    const unreadable: string[] = [];
    const strings = new StringPool();
    const load = this.index.beginLoad();
    const slicer = new Slicer(pacing);
    for (const [tenantId, partition] of partitions) {
      for (const shard of partition.shards) {
        let records: InsightRecord[];
        try {
          records = this.#store.readCold ? ((await this.#store.readCold(shard.name)) as InsightRecord[]) : shard.all();
        } catch (error) {
          unreadable.push(`${shard.name}: ${error instanceof Error ? error.message : String(error)}`);
          continue;
        }
        const pooledTenant = strings.string(tenantId);
        for (const record of records) {
          load.add(compactEntry(entryOf(pooledTenant, record), strings));
          progress.insightsRead++;
          // A shard read whole from memory (no file to wait for) still lets the loop turn.
          if (slicer.step()) await slicer.pause();
        }
        progress.shardsRead++;
      }
    }
    const count = await load.finish(pacing, (posted) => {
      progress.insightsIndexed = posted;
    });
    if (unreadable.length > 0) throw new Error(`${unreadable.length} insight shards could not be read and are not listed:\n${unreadable.join("\n")}`);
    return count;
  }

  /**
   * The document of the revision the index shows (its detail: description, comments, fields):
   * a newer one stored and not yet written stays out of sight, like its indexed values.
   */
  record(tenantId: string, localId: string, revision: number): InsightRecord | undefined {
    const partition = this.#partition(tenantId);
    const live = partition.get(localId);
    return live?.revision === revision ? live : (partition.durable(localId) ?? live);
  }

  /**
   * Files insights under `tenantId` (the session's tenant, never a payload's), keeping each only
   * if its revision is newer than the one held: a batch sent twice changes nothing the second
   * time. The index is left as it was until `show`.
   */
  store(tenantId: string, insights: readonly Insight[], countOn?: string): StoredInsights {
    const partition = this.#partition(tenantId);
    const result: StoredInsights = { kept: [], updated: 0, unchanged: 0, bytes: 0 };
    for (const insight of insights) {
      const held = partition.get(insight.id);
      if (held && held.revision >= insight.revision) {
        result.unchanged++;
        continue;
      }
      const doc = insightJson(insight);
      result.kept.push(partition.put(doc).id);
      // The document's JSON text, as PostgreSQL measures the row it stores.
      result.bytes += Buffer.byteLength(JSON.stringify(doc));
      if (held) result.updated++;
    }
    // Beside the documents, so the flush that makes them durable makes their count durable too.
    if (countOn !== undefined) this.usage.add(tenantId, countOn, result.kept.length, result.bytes);
    return result;
  }

  /**
   * Deletes these insights of the tenant from the store (unseen until written); `hide` then takes
   * them out of the list once that write is done.
   */
  remove(tenantId: string, localIds: Iterable<string>): void {
    const partition = this.#partition(tenantId);
    for (const localId of localIds) partition.delete(localId);
  }

  /** After `remove` was written: those still gone leave the index (one stored again meanwhile stays). */
  hide(tenantId: string, localIds: Iterable<string>): string[] {
    const partition = this.#partition(tenantId);
    const hidden: string[] = [];
    for (const localId of localIds) {
      const key = hubInsightId(tenantId, localId);
      if (partition.get(localId) === undefined && this.index.remove(key)) hidden.push(key);
    }
    return hidden;
  }

  /**
   * Indexes these insights (after `store`, once the flush that carried them is done); returns the
   * entries shown. Read live, not `durable`: a tenant's documents change only in its turns and
   * this turn's flush is done, so the live document is the one written; and a tenant deleted
   * meanwhile (its removal not written yet) must not come back into the index.
   */
  show(tenantId: string, localIds: Iterable<string>): InsightEntry[] {
    const partition = this.#partition(tenantId);
    const shown: InsightEntry[] = [];
    for (const localId of localIds) {
      const record = partition.get(localId);
      if (record) shown.push(this.index.upsert(entryOf(tenantId, record)).entry);
    }
    return shown;
  }

  /** The tenant is gone: its insights leave the index and the store. */
  dropTenant(tenantId: string): number {
    this.#partition(tenantId).clear();
    this.usage.dropTenant(tenantId);
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
