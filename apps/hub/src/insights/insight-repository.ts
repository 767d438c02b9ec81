import type { Insight } from "@canopy/protocol";
import type { InsightEntry } from "./insight-entry.js";
import type { IndexQuery } from "./insight-query.js";
import type { InsightRecord } from "./insight-records.js";
import type { IndexedInsight, InsightTimeField } from "./insight-source.js";

/** What `store` did with a tenant's batch. */
export interface StoredInsights {
  /** Local ids of the documents that are new or changed (in batch order). */
  kept: string[];
  /** Of those, how many the hub already held (an older revision). */
  updated: number;
  /** Insights ignored because the hub holds the same or a newer revision. */
  unchanged: number;
  /** Bytes of the documents kept (their JSON text): what the daily volume counts. */
  bytes: number;
}

export interface StoreOptions {
  /**
   * Add the kept insights to the tenant's usage of this UTC day (`YYYY-MM-DD`) in the same unit
   * of work as the batch (an agent's batch; not a board change the agent acknowledged).
   */
  countOn?: string | undefined;
}

/** One page of a list query; `nextCursor` continues it (keyset: stable while insights come and go). */
export interface InsightPage {
  items: InsightEntry[];
  nextCursor: string | null;
  /** Every match over all pages. */
  total: number;
}

/** Fields whose values can be counted across the federated list. */
export type FacetField = "tenantId" | "status" | "severity" | "tactic" | "technique" | "ruleId" | "assignee";

export interface FacetCount {
  value: string;
  count: number;
}

/**
 * The embedded index's build after hub start (/healthz shows it). `shards` and `insightsRead`
 * grow as the store's shard files are read; `insightsIndexed` as the read entries are posted
 * (then the sort orders are built: `building` stays true until the index answers).
 */
export interface IndexProgress {
  building: boolean;
  shards: number;
  shardsRead: number;
  insightsRead: number;
  insightsIndexed: number;
}

/**
 * The hub's federated insights, as hub logic reaches them: every tenant's documents, and the
 * queries lists, boards and dashboards ask. Two implementations pass one contract suite
 * (insight-repository.contract.test.ts): embedded (store partitions + an in-memory index) and
 * PostgreSQL (a table with a column and an index per filter and sort).
 *
 * Writes follow issue 10's rule, nothing visible before it is durable, in two steps so the
 * embedded intake can make many tenants' batches durable with one flush: `store` files a batch
 * (embedded: in the store, unseen; PostgreSQL: committed, so durable and visible at once), the
 * caller makes it durable (`durable()`, the intake's flush), then `show` makes it visible and
 * answers the entries now listed.
 */
export interface InsightRepository {
  /** Which implementation answers (for logs and tests). */
  readonly kind: "embedded" | "postgres";

  /** Hub start: what must be ready before the first request; returns how many insights that read (PostgreSQL: none). */
  open(tenantIds: readonly string[]): Promise<number>;

  /** How far `open` is (PostgreSQL: it reads nothing, so never building). */
  indexProgress(): IndexProgress;

  /**
   * Files `insights` under `tenantId` (the session's tenant, never a payload's), keeping each only
   * if its revision is newer than the one held: a batch sent twice changes nothing the second time.
   * The embedded implementation does its part synchronously, before the promise is returned, so a
   * flush that follows carries it.
   */
  store(tenantId: string, insights: readonly Insight[], options?: StoreOptions): Promise<StoredInsights>;

  /** Resolves once everything `store` filed is durable (embedded: the store's flush; PostgreSQL: already). */
  durable(): Promise<void>;

  /** After `durable`: these insights become visible; answers their entries as now listed. */
  show(tenantId: string, localIds: readonly string[]): Promise<InsightEntry[]>;

  /** One insight as listed (its visible revision), by hub id `<tenantId>~<localId>`. */
  get(key: string): Promise<InsightEntry | undefined>;

  /** Several at once (bulk changes, live events); unknown keys are left out. */
  getMany(keys: readonly string[]): Promise<Map<string, InsightEntry>>;

  /** The document of the visible revision (description, comments, fields), with its entry. */
  detail(key: string): Promise<{ entry: InsightEntry; record: InsightRecord } | undefined>;

  /** A page of the federated list: every filter, a sort with a keyset cursor, and the total. */
  list(query: IndexQuery): Promise<InsightPage>;

  /** The `limit` most frequent values of `field` over the insights of `tenantIds` (null: all), most first, ties by value. */
  facets(field: FacetField, tenantIds: readonly string[] | null, limit: number): Promise<FacetCount[]>;

  /**
   * Every insight whose `field` time lies in `[from, to)` (null: unbounded; a null `closedAt`
   * never matches), of `tenantIds` (null: all), in `field` order: what the embedded dashboards
   * count (on PostgreSQL the widgets ask for figures, `postgres-insight-figures.ts`).
   */
  inRange(field: InsightTimeField, from: number | null, to: number | null, tenantIds: ReadonlySet<string> | null): Promise<IndexedInsight[]>;

  /**
   * Retention: deletes up to `limit` of the tenant's insights created before `before` (epoch ms),
   * oldest first, durably (embedded: written before they leave the list); answers their hub ids.
   * Reads only those insights (an index range), never the tenant's others.
   */
  purgeCreatedBefore(tenantId: string, before: number, limit: number): Promise<string[]>;

  /** The tenant is gone: its insights (and their usage counts) leave the list and the storage; returns how many. */
  dropTenant(tenantId: string): Promise<number>;

  /** How many insights the hub holds. */
  count(): Promise<number>;
}
