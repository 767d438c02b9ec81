import type { PushProgress, PushResultStatus } from "@canopy/api";
import type { Collection, Store } from "@canopy/store";
import { isoAt, type Clock } from "../core/clock.js";
import {
  emptyProgress,
  pushCollections,
  resultShards,
  stateOf,
  type ItemKey,
  type PushPlanDoc,
  type PushRecord,
  type ResultEntry,
  type TenantResultsDoc,
} from "./push-records.js";
import type { PushView } from "./push-view.js";

const PUSH_COLLECTION = /^(pushes$|push-plan\.|push-results\.)/;
const isPushCollection = (name: string): boolean => PUSH_COLLECTION.test(name);

interface Plan {
  doc: PushPlanDoc;
  byKey: Map<ItemKey, PushPlanDoc["items"][number]>;
  shardOf: Map<string, number>;
  /** The tenants of each result shard, in plan order. */
  shards: string[][];
}

/** A result that changed, for the per-push event stream. */
export interface ResultChange {
  pushId: string;
  tenantId: string;
  key: ItemKey;
}

/**
 * Pushes, their plans and their results. Live counts are kept in memory and moved by every
 * result change (O(1) each), so progress never costs a scan; they are rebuilt from the results
 * once per push after a restart. The push document is written only when its state changes.
 * Everything here is live: changed before it is durable. What users are shown is read through
 * `DurablePushes` instead.
 */
export class PushLedger implements PushView {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #pushes: Collection<PushRecord>;
  readonly #progress = new Map<string, PushProgress>();
  readonly #plans = new Map<string, Plan>();
  readonly #versions = new Map<string, number>();
  #changes: ResultChange[] = [];

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
    this.#pushes = store.collection<PushRecord>(pushCollections.pushes);
    store.onRollback(({ collections }) => {
      if (collections.some(isPushCollection)) this.#forgetDerived();
    });
  }

  /** Records a new push with every result pending. */
  create(record: PushRecord, plan: PushPlanDoc): void {
    this.#store.collection<PushPlanDoc>(pushCollections.plan(record.id)).put(plan);
    const pending = Object.fromEntries(plan.items.map((item) => [item.key, { status: "pending" } as ResultEntry]));
    for (const tenantId of plan.tenantIds) this.#results(record.id, tenantId)?.put({ id: tenantId, results: { ...pending } });
    const total = plan.items.length * plan.tenantIds.length;
    const progress = { ...emptyProgress(), total, pending: total };
    this.#pushes.put({ ...record, progress: { ...progress } });
    this.#progress.set(record.id, progress);
  }

  get(pushId: string): PushRecord | undefined {
    return this.#pushes.get(pushId);
  }

  all(): PushRecord[] {
    return this.#pushes.all();
  }

  plan(pushId: string): PushPlanDoc | undefined {
    return this.#plan(pushId)?.doc;
  }

  planned(pushId: string, key: ItemKey): PushPlanDoc["items"][number] | undefined {
    return this.#plan(pushId)?.byKey.get(key);
  }

  result(pushId: string, tenantId: string, key: ItemKey): ResultEntry | undefined {
    return this.#results(pushId, tenantId)?.get(tenantId)?.results[key];
  }

  /** Every result of the push, tenant by tenant in plan order. */
  *results(pushId: string): Generator<{ tenantId: string; key: ItemKey; entry: ResultEntry }> {
    const plan = this.plan(pushId);
    if (!plan) return;
    for (const tenantId of plan.tenantIds) {
      const doc = this.#results(pushId, tenantId)?.get(tenantId);
      if (!doc) continue;
      for (const [key, entry] of Object.entries(doc.results)) yield { tenantId, key, entry };
    }
  }

  /** Moves one result; false when it already had that status (nothing to write or tell). */
  setResult(pushId: string, tenantId: string, key: ItemKey, status: PushResultStatus, error?: string): boolean {
    const results = this.#results(pushId, tenantId);
    const doc = results?.get(tenantId);
    const current = doc?.results[key];
    if (!results || !doc || !current || (current.status === status && current.error === error)) return false;
    const progress = this.progress(pushId);
    progress[current.status]--;
    progress[status]++;
    results.edit(tenantId, (held) => void (held.results[key] = error === undefined ? { status } : { status, error }));
    this.#bump(pushId);
    this.#changes.push({ pushId, tenantId, key });
    this.#settle(pushId);
    return true;
  }

  /** Live counts (the same object each time: callers copy before handing it out). */
  progress(pushId: string): PushProgress {
    let progress = this.#progress.get(pushId);
    if (!progress) {
      progress = emptyProgress();
      for (const { entry } of this.results(pushId)) {
        progress.total++;
        progress[entry.status]++;
      }
      this.#progress.set(pushId, progress);
    }
    return progress;
  }

  /** Marks the push stopped (its pending results are stopped by the caller). */
  markStopped(pushId: string, actor: string): void {
    const record = this.#pushes.get(pushId);
    if (!record) return;
    this.#bump(pushId);
    this.#pushes.put({ ...record, state: "stopped", stoppedBy: actor, finishedAt: isoAt(this.#clock()), progress: { ...this.progress(pushId) } });
  }

  /** A retry made results pending again: the push runs again. */
  markRunning(pushId: string): void {
    const record = this.#pushes.get(pushId);
    if (!record) return;
    this.#bump(pushId);
    this.#pushes.put({ ...record, state: "running", finishedAt: null, progress: { ...this.progress(pushId) } });
  }

  /** Moves whenever anything about the push changes (for caches of its JSON). */
  version(pushId: string): number {
    return this.#versions.get(pushId) ?? 0;
  }

  /** After a restart: a running push whose results all settled before the crash is finished now. */
  refresh(pushId: string): void {
    this.#settle(pushId);
  }

  /** The tenants whose results a shard of the push holds (empty for an unknown push or shard). */
  shardTenants(pushId: string, shard: number): readonly string[] {
    return this.#plan(pushId)?.shards[shard] ?? [];
  }

  /** The partition holding a tenant's results for a push; undefined when the push does not target it. */
  resultsCollection(pushId: string, tenantId: string): Collection<TenantResultsDoc> | undefined {
    return this.#results(pushId, tenantId);
  }

  /** Result changes since the last call (for events once they are on disk). */
  takeChanges(): ResultChange[] {
    const changes = this.#changes;
    this.#changes = [];
    return changes;
  }

  /**
   * A push whose last pending result settled is finished. A running push is not rewritten per
   * result; a stopped one keeps its state but its stored counts follow late acknowledgements.
   */
  #settle(pushId: string): void {
    const record = this.#pushes.get(pushId);
    if (!record) return;
    const progress = this.progress(pushId);
    if (record.state === "stopped") {
      this.#pushes.put({ ...record, progress: { ...progress } });
      return;
    }
    const state = stateOf(progress, false);
    if (state === record.state) return;
    const finishedAt = state === "running" ? null : isoAt(this.#clock());
    this.#pushes.put({ ...record, state, finishedAt, progress: { ...progress } });
  }

  /**
   * A failed write took pushes, plans or results back: counts are recounted and plans reread
   * when next asked for, every cached push JSON is rebuilt, and result changes not yet
   * announced are dropped (they did not happen).
   */
  #forgetDerived(): void {
    for (const pushId of new Set([...this.#versions.keys(), ...this.#progress.keys(), ...this.#plans.keys()])) this.#bump(pushId);
    this.#progress.clear();
    this.#plans.clear();
    this.#changes = [];
  }

  #bump(pushId: string): void {
    this.#versions.set(pushId, this.version(pushId) + 1);
  }

  #plan(pushId: string): Plan | undefined {
    let plan = this.#plans.get(pushId);
    if (!plan) {
      const doc = this.#store.collection<PushPlanDoc>(pushCollections.plan(pushId)).get("plan");
      if (!doc) return undefined;
      const count = resultShards(doc.tenantIds.length);
      const shards = Array.from({ length: count }, (): string[] => []);
      doc.tenantIds.forEach((tenantId, index) => shards[index % count]!.push(tenantId));
      plan = {
        doc,
        byKey: new Map(doc.items.map((item) => [item.key, item])),
        shardOf: new Map(doc.tenantIds.map((tenantId, index) => [tenantId, index % count])),
        shards,
      };
      this.#plans.set(pushId, plan);
    }
    return plan;
  }

  /** The shard holding a tenant's results for a push; undefined when the push does not target it. */
  #results(pushId: string, tenantId: string): Collection<TenantResultsDoc> | undefined {
    const shard = this.#plan(pushId)?.shardOf.get(tenantId);
    return shard === undefined ? undefined : this.#store.collection<TenantResultsDoc>(pushCollections.results(pushId, shard));
  }
}
