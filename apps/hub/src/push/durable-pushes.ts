import type { PushProgress } from "@canopy/api";
import type { Collection, Store } from "@canopy/store";
import type { PushLedger } from "./push-ledger.js";
import {
  emptyProgress,
  pushCollections,
  pushOfCollection,
  resultShards,
  stateOf,
  type ItemKey,
  type PushPlanDoc,
  type PushRecord,
  type ResultEntry,
  type TenantResultsDoc,
} from "./push-records.js";
import type { PushView } from "./push-view.js";

/**
 * The push history as it is on disk: what `GET /pushes`, `GET /pushes/{id}`, its event stream
 * and the dashboards show (issue 10: nothing unpersisted is ever shown as done). The ledger
 * moves results and counts as acknowledgements arrive, before they are durable, and a crash
 * takes those back; here every record, plan and result is the store's `durable` document.
 *
 * Counts are kept per result shard and recounted from the durable documents when a write of
 * that shard lands (`Store.onDurable`): nothing is added to the acknowledgement path, and a
 * recount reads what the write it follows has just serialised, so it costs less than that write.
 * Counts, results and records therefore always agree with one another.
 */
export class DurablePushes implements PushView {
  readonly #store: Store;
  readonly #ledger: PushLedger;
  readonly #pushes: Collection<PushRecord>;
  /** Per push, the counts of each result shard (only for pushes read since the start). */
  readonly #counts = new Map<string, PushProgress[]>();
  readonly #versions = new Map<string, number>();
  /** Moves with every write of the `pushes` partition (a state changed), for every push's version. */
  #records = 0;
  readonly #stop: () => void;

  constructor(store: Store, ledger: PushLedger) {
    this.#store = store;
    this.#ledger = ledger;
    this.#pushes = store.collection<PushRecord>(pushCollections.pushes);
    this.#stop = store.onDurable(({ collections }) => this.#written(collections));
  }

  /**
   * The durable record, with its state as its durable results say: a write covers partitions
   * one after another, so the record that says "completed" can land a write before the last
   * result that completed it (and the other way round); the counts decide. Stopped is the
   * user's word and stays.
   */
  get(pushId: string): PushRecord | undefined {
    const record = this.#pushes.durable(pushId);
    if (!record || !this.#planDurable(pushId)) return undefined;
    const state = record.state === "stopped" ? "stopped" : stateOf(this.progress(pushId), false);
    if (state === record.state) return record;
    const finishedAt = state === "running" ? null : (record.finishedAt ?? this.#ledger.get(pushId)?.finishedAt ?? null);
    return { ...record, state, finishedAt };
  }

  all(): PushRecord[] {
    return this.#ledger.all().flatMap((live) => this.get(live.id) ?? []);
  }

  plan(pushId: string): PushPlanDoc | undefined {
    return this.#planDurable(pushId) ? this.#ledger.plan(pushId) : undefined;
  }

  planned(pushId: string, key: ItemKey): PushPlanDoc["items"][number] | undefined {
    return this.#planDurable(pushId) ? this.#ledger.planned(pushId, key) : undefined;
  }

  result(pushId: string, tenantId: string, key: ItemKey): ResultEntry | undefined {
    return this.#ledger.resultsCollection(pushId, tenantId)?.durable(tenantId)?.results[key];
  }

  *results(pushId: string): Generator<{ tenantId: string; key: ItemKey; entry: ResultEntry }> {
    const plan = this.plan(pushId);
    if (!plan) return;
    for (const tenantId of plan.tenantIds) {
      const doc = this.#ledger.resultsCollection(pushId, tenantId)?.durable(tenantId);
      if (!doc) continue;
      for (const [key, entry] of Object.entries(doc.results)) yield { tenantId, key, entry };
    }
  }

  /** A fresh object each time (the sum of the shards' counts). */
  progress(pushId: string): PushProgress {
    let shards = this.#counts.get(pushId);
    if (!shards) {
      const plan = this.#ledger.plan(pushId);
      if (!plan) return emptyProgress();
      shards = Array.from({ length: resultShards(plan.tenantIds.length) }, (_, shard) => this.#count(pushId, shard));
      this.#counts.set(pushId, shards);
    }
    const total = emptyProgress();
    for (const shard of shards) for (const status of Object.keys(total) as (keyof PushProgress)[]) total[status] += shard[status];
    return total;
  }

  version(pushId: string): number {
    return (this.#versions.get(pushId) ?? 0) + this.#records;
  }

  /** Stops following the store (the engine closes). */
  close(): void {
    this.#stop();
  }

  #written(collections: readonly string[]): void {
    for (const name of collections) {
      if (name === pushCollections.pushes) {
        this.#records++;
        continue;
      }
      const of = pushOfCollection(name);
      if (!of) continue;
      this.#versions.set(of.pushId, (this.#versions.get(of.pushId) ?? 0) + 1);
      const shards = this.#counts.get(of.pushId);
      // The plan (written once, with the push): counted afresh when next read.
      if (of.shard === null) this.#counts.delete(of.pushId);
      else if (shards && of.shard < shards.length) shards[of.shard] = this.#count(of.pushId, of.shard);
    }
  }

  /** One shard's counts from its durable documents. */
  #count(pushId: string, shard: number): PushProgress {
    const counts = emptyProgress();
    const results = this.#store.collection<TenantResultsDoc>(pushCollections.results(pushId, shard));
    for (const tenantId of this.#ledger.shardTenants(pushId, shard)) {
      const doc = results.durable(tenantId);
      if (!doc) continue;
      for (const key in doc.results) {
        counts.total++;
        counts[doc.results[key]!.status]++;
      }
    }
    return counts;
  }

  /** A push is shown once its plan is on disk too (a write can carry the record before the plan). */
  #planDurable(pushId: string): boolean {
    return this.#store.collection<PushPlanDoc>(pushCollections.plan(pushId)).durable("plan") !== undefined;
  }
}
