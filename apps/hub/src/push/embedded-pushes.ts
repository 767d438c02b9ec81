import { PUSH_RESULT_STATUSES, ROOT_ORG_ID, type PushProgress, type PushResultStatus } from "@canopy/api";
import type { Collection, Store } from "@canopy/store";
import {
  emptyProgress,
  pushCollections,
  pushOfCollection,
  RESULT_CHUNK_ITEMS,
  resultShards,
  type ItemKey,
  type PushPlanDoc,
  type PushRecord,
  type ResultEntry,
  type TenantResultsDoc,
} from "./push-records.js";
import type { PushPageQuery, PushRepository, ResultFilter, StoredResult } from "./push-repository.js";

interface Plan {
  /** The plan as the repository answers it (without the layout of its results). */
  doc: PushPlanDoc;
  /** Key → its chunk of the results. */
  chunkOf: ReadonlyMap<ItemKey, number>;
  /** Tenant → its shard within a chunk. */
  shardOf: ReadonlyMap<string, number>;
  /** Tenant shards per chunk: the result collection of a chunk and shard is `chunk * tenantShards + shard`. */
  tenantShards: number;
  chunks: number;
  /** The tenants of each result collection, in plan order. */
  shards: string[][];
}

const byId = (a: PushRecord, b: PushRecord): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The push history on the embedded store, in the partitions of push-records.ts: one record per
 * push in `pushes`, the plan in `push-plan.<push>`, and the results in up to 16 tenant shards
 * per chunk of RESULT_CHUNK_ITEMS items (`push-results.<push>.<n>`, one document per tenant and
 * chunk), so an acknowledgement rewrites one tenant's shard of one chunk, never the whole history.
 *
 * Reads answer the documents as they are on disk (`durable`): the unit that wrote them has
 * flushed. Counts are kept per shard and recounted when a write of that shard lands
 * (`Store.onDurable`), so progress never scans a big push's results.
 */
export class EmbeddedPushes implements PushRepository {
  readonly #store: Store;
  readonly #records: Collection<PushRecord>;
  /** Plans are written once: parsed on first read, kept. */
  readonly #plans = new Map<string, Plan>();
  /** Per push, the counts of each result shard (pushes counted since the start). */
  readonly #counts = new Map<string, PushProgress[]>();

  constructor(store: Store) {
    this.#store = store;
    this.#records = store.collection<PushRecord>(pushCollections.pushes);
    store.onDurable(({ collections }) => {
      for (const name of collections) {
        const of = pushOfCollection(name);
        const shards = of && this.#counts.get(of.pushId);
        if (shards && of.shard !== null && of.shard < shards.length) shards[of.shard] = this.#count(of.pushId, of.shard);
      }
    });
    // A failed write took documents back: plans and counts are read again when next asked for.
    store.onRollback(() => {
      this.#plans.clear();
      this.#counts.clear();
    });
  }

  async create(record: PushRecord, plan: PushPlanDoc): Promise<void> {
    const stored = planOf({ ...plan, resultChunkItems: RESULT_CHUNK_ITEMS });
    this.#store.collection<PushPlanDoc>(pushCollections.plan(record.id)).put({ ...plan, resultChunkItems: RESULT_CHUNK_ITEMS });
    for (const tenantId of plan.tenantIds) {
      const chunks = Array.from({ length: stored.chunks }, (): Record<ItemKey, ResultEntry> => ({}));
      for (const item of plan.items) chunks[stored.chunkOf.get(item.key)!]![item.key] = { status: "pending" };
      chunks.forEach((results, chunk) => this.#store.collection<TenantResultsDoc>(this.#resultsName(record.id, stored, tenantId, chunk)).put({ id: tenantId, results }));
    }
    this.#records.put(record);
  }

  async get(pushId: string): Promise<PushRecord | undefined> {
    return this.#durableRecord(pushId);
  }

  async page(query: PushPageQuery): Promise<{ items: PushRecord[]; nextCursor: string | null }> {
    const items: PushRecord[] = [];
    for (const record of this.#durableRecords().reverse()) {
      if (query.cursor !== undefined && record.id >= query.cursor) continue;
      if (!this.#matches(record, query)) continue;
      if (items.length === query.limit) return { items, nextCursor: items[items.length - 1]!.id };
      items.push(record);
    }
    return { items, nextCursor: null };
  }

  async inStates(states: readonly PushRecord["state"][]): Promise<PushRecord[]> {
    return this.#durableRecords().filter((record) => states.includes(record.state));
  }

  async plan(pushId: string): Promise<PushPlanDoc | undefined> {
    return this.#plan(pushId)?.doc;
  }

  async results(pushId: string, filter: ResultFilter = {}): Promise<StoredResult[]> {
    const plan = this.#plan(pushId);
    if (!plan) return [];
    const tenants = filter.tenantIds ? new Set(filter.tenantIds) : undefined;
    const statuses = filter.statuses ? new Set(filter.statuses) : undefined;
    const results: StoredResult[] = [];
    for (const tenantId of plan.doc.tenantIds) {
      if (tenants && !tenants.has(tenantId)) continue;
      const docs = this.#resultsDocs(pushId, plan, tenantId);
      for (const item of plan.doc.items) {
        const entry = docs[plan.chunkOf.get(item.key)!]?.results[item.key];
        if (!entry || (statuses && !statuses.has(entry.status))) continue;
        results.push(entry.error === undefined ? { pushId, tenantId, key: item.key, status: entry.status } : { pushId, tenantId, key: item.key, status: entry.status, error: entry.error });
      }
    }
    return results;
  }

  async progress(pushId: string): Promise<PushProgress> {
    return this.#progress(pushId);
  }

  async outcomes(from: number | null, to: number, tenantIds: ReadonlySet<string> | null): Promise<Record<PushResultStatus, number>> {
    const counts = Object.fromEntries(PUSH_RESULT_STATUSES.map((status) => [status, 0])) as Record<PushResultStatus, number>;
    for (const record of this.#durableRecords()) {
      const createdAt = Date.parse(record.createdAt);
      if ((from !== null && createdAt < from) || createdAt >= to) continue;
      if (tenantIds === null) {
        const progress = this.#progress(record.id);
        for (const status of PUSH_RESULT_STATUSES) counts[status] += progress[status];
        continue;
      }
      const plan = this.#plan(record.id);
      if (!plan) continue;
      for (const tenantId of plan.doc.tenantIds) {
        if (!tenantIds.has(tenantId)) continue;
        for (const doc of this.#resultsDocs(record.id, plan, tenantId)) for (const key in doc?.results) counts[doc.results[key]!.status]++;
      }
    }
    return counts;
  }

  async saveRecord(record: PushRecord): Promise<void> {
    if (!this.#records.get(record.id)) throw new Error(`no push ${record.id} to save`);
    this.#records.put(record);
  }

  async saveResults(results: readonly StoredResult[]): Promise<void> {
    // Every result is checked before any moves: a refused call leaves the unit as it was.
    const plans = new Map<string, Plan | undefined>();
    const planOfPush = (pushId: string): Plan | undefined => {
      if (!plans.has(pushId)) plans.set(pushId, this.#livePlan(pushId));
      return plans.get(pushId);
    };
    const targets = results.map((result) => {
      const plan = planOfPush(result.pushId);
      if (!plan) throw new Error(`no push ${result.pushId} for the result of ${result.tenantId}`);
      if (!plan.shardOf.has(result.tenantId)) throw new Error(`push ${result.pushId} does not target tenant ${result.tenantId}`);
      const chunk = plan.chunkOf.get(result.key);
      if (chunk === undefined) throw new Error(`push ${result.pushId} does not hold ${result.key}`);
      return { result, collection: this.#store.collection<TenantResultsDoc>(this.#resultsName(result.pushId, plan, result.tenantId, chunk)) };
    });
    for (const { result, collection } of targets) {
      const entry: ResultEntry = result.error === undefined ? { status: result.status } : { status: result.status, error: result.error };
      // In place: copying a tenant's thousands of results per acknowledgement would make a push quadratic.
      collection.edit(result.tenantId, (doc) => void (doc.results[result.key] = entry));
    }
  }

  /** The durable records, oldest first; one whose plan is not on disk yet is not shown. */
  #durableRecords(): PushRecord[] {
    return this.#records
      .all()
      .flatMap((live) => this.#durableRecord(live.id) ?? [])
      .sort(byId);
  }

  /** The durable record with the counts of its durable results (the record is rewritten on a change of state only). */
  #durableRecord(pushId: string): PushRecord | undefined {
    const record = this.#records.durable(pushId);
    if (!record || !this.#plan(pushId)) return undefined;
    return { ...record, progress: this.#progress(pushId) };
  }

  #matches(record: PushRecord, query: PushPageQuery): boolean {
    if (query.createdBy !== undefined && record.createdBy !== query.createdBy) return false;
    if (query.orgIds !== undefined && !query.orgIds.has(record.orgId ?? ROOT_ORG_ID)) return false;
    if (query.state !== undefined && record.state !== query.state) return false;
    if (query.kind !== undefined && !record.kinds.includes(query.kind)) return false;
    if (query.tenantId === undefined && query.itemId === undefined) return true;
    const plan = this.#plan(record.id)?.doc;
    if (query.tenantId !== undefined && !plan?.tenantIds.includes(query.tenantId)) return false;
    return query.itemId === undefined || plan?.items.some((item) => item.itemId === query.itemId) === true;
  }

  #progress(pushId: string): PushProgress {
    let shards = this.#counts.get(pushId);
    if (!shards) {
      const plan = this.#plan(pushId);
      if (!plan) return emptyProgress();
      shards = plan.shards.map((_, shard) => this.#count(pushId, shard));
      this.#counts.set(pushId, shards);
    }
    const total = emptyProgress();
    for (const shard of shards) for (const status of Object.keys(total) as (keyof PushProgress)[]) total[status] += shard[status];
    return total;
  }

  /** One shard's counts from its durable documents. */
  #count(pushId: string, shard: number): PushProgress {
    const counts = emptyProgress();
    const plan = this.#plan(pushId);
    if (!plan) return counts;
    const collection = this.#store.collection<TenantResultsDoc>(pushCollections.results(pushId, shard));
    for (const tenantId of plan.shards[shard] ?? []) {
      const doc = collection.durable(tenantId);
      for (const key in doc?.results) {
        counts.total++;
        counts[doc.results[key]!.status]++;
      }
    }
    return counts;
  }

  /** The tenant's durable result documents, by chunk (none for a tenant the plan does not hold). */
  #resultsDocs(pushId: string, plan: Plan, tenantId: string): (TenantResultsDoc | undefined)[] {
    if (!plan.shardOf.has(tenantId)) return [];
    return Array.from({ length: plan.chunks }, (_, chunk) => this.#store.collection<TenantResultsDoc>(this.#resultsName(pushId, plan, tenantId, chunk)).durable(tenantId));
  }

  #resultsName(pushId: string, plan: Plan, tenantId: string, chunk: number): string {
    return pushCollections.results(pushId, chunk * plan.tenantShards + plan.shardOf.get(tenantId)!);
  }

  /** The plan as it is on disk (what reads show). */
  #plan(pushId: string): Plan | undefined {
    const cached = this.#plans.get(pushId);
    if (cached) return cached;
    const doc = this.#store.collection<PushPlanDoc>(pushCollections.plan(pushId)).durable("plan");
    if (!doc) return undefined;
    const plan = planOf(doc);
    this.#plans.set(pushId, plan);
    return plan;
  }

  /** The plan as the unit of work sees it (a push created in the same unit has one before it is on disk). */
  #livePlan(pushId: string): Plan | undefined {
    const durable = this.#plan(pushId);
    if (durable) return durable;
    const doc = this.#store.collection<PushPlanDoc>(pushCollections.plan(pushId)).get("plan");
    return doc ? planOf(doc) : undefined;
  }
}

function planOf(stored: PushPlanDoc): Plan {
  const { resultChunkItems, ...doc } = stored;
  const tenantShards = resultShards(doc.tenantIds.length);
  const chunkItems = resultChunkItems ?? Math.max(1, doc.items.length);
  const chunks = Math.max(1, Math.ceil(doc.items.length / chunkItems));
  const byShard = Array.from({ length: tenantShards }, (): string[] => []);
  doc.tenantIds.forEach((tenantId, index) => byShard[index % tenantShards]!.push(tenantId));
  return {
    doc,
    chunkOf: new Map(doc.items.map((item, index) => [item.key, Math.floor(index / chunkItems)])),
    shardOf: new Map(doc.tenantIds.map((tenantId, index) => [tenantId, index % tenantShards])),
    tenantShards,
    chunks,
    shards: Array.from({ length: chunks }, () => byShard).flat(),
  };
}
