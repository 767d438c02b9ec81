import type { Insight } from "@canopy/protocol";
import type { PostgresDatabase } from "@canopy/store";
import type pg from "pg";
import { hubInsightId, type InsightEntry } from "../insight-entry.js";
import type { IndexQuery } from "../insight-query.js";
import type { InsightRecord } from "../insight-records.js";
import type { FacetCount, FacetField, IndexProgress, InsightPage, InsightRepository, StoreOptions, StoredInsights } from "../insight-repository.js";
import type { IndexedInsight, InsightTimeField } from "../insight-source.js";
import { encodeCursor } from "../sort-orders.js";
import type { InsightFigures } from "../../dashboards/insight-figures.js";
import { ENTRY_COLUMNS, WRITE_COLUMNS, entryOfRow, insightWrite, type EntryRow, type InsightWrite } from "./insight-rows.js";
import { SqlFilter, TIME_COLUMN, pageSql, totalSql } from "./insight-sql.js";
import { postgresInsightFigures } from "./postgres-insight-figures.js";

const UPDATED_COLUMNS = WRITE_COLUMNS.split(",")
  .map((c) => c.trim().split(" ")[0]!)
  .filter((c) => c !== "key" && c !== "local_id");

/**
 * One statement per batch: rows in (the document beside them, as `json_to_recordset` cannot carry
 * `\u0000`), an existing row replaced only by a higher revision. RETURNING names the rows written;
 * `xmax <> 0` tells an update from an insert.
 */
const UPSERT = `
  INSERT INTO insights (key, tenant_id, local_id, ${UPDATED_COLUMNS.join(", ")}, doc)
  SELECT r.key, $1, r.local_id, ${UPDATED_COLUMNS.map((c) => (c === "words" ? "array_to_tsvector(r.words)" : `r.${c}`)).join(", ")}, r.doc::json
  FROM ROWS FROM (unnest($2::text[]), json_to_recordset($3::json) AS (${WRITE_COLUMNS})) AS r(doc, ${WRITE_COLUMNS.replace(/ [a-z]+(\[\])?(,|$)/g, "$2")})
  ON CONFLICT (key) DO UPDATE SET ${[...UPDATED_COLUMNS, "doc"].map((c) => `${c} = excluded.${c}`).join(", ")}
  WHERE insights.revision < excluded.revision
  RETURNING local_id, (xmax <> 0) AS updated, octet_length(doc::text) AS bytes`;

/**
 * The same upsert, and the rows it wrote added to the tenant's usage of day `$4` in the same
 * statement: the batch and its count commit together or not at all (a crash cannot count a
 * batch that was not kept, nor keep one that was not counted). Bytes are the document's JSON text,
 * as the embedded store measures them.
 */
const UPSERT_COUNTED = `
  WITH written AS (${UPSERT}),
  counted AS (
    INSERT INTO insight_usage (tenant_id, day, count, bytes)
    SELECT $1, $4, count(*), sum(bytes) FROM written HAVING count(*) > 0
    ON CONFLICT (tenant_id, day) DO UPDATE SET count = insight_usage.count + excluded.count, bytes = insight_usage.bytes + excluded.bytes
  )
  SELECT local_id, updated, bytes FROM written`;

const FACET_VALUE: Record<FacetField, { from: string; value: string }> = {
  tenantId: { from: "insights", value: "tenant_id" },
  status: { from: "insights", value: "status" },
  severity: { from: "insights", value: "severity" },
  ruleId: { from: "insights", value: "rule_id" },
  assignee: { from: "insights", value: "assignee_key" },
  tactic: { from: "insights CROSS JOIN LATERAL unnest(tactic_keys) AS v(value)", value: "v.value" },
  technique: { from: "insights CROSS JOIN LATERAL unnest(technique_keys) AS v(value)", value: "v.value" },
};

/**
 * Writes a tenant's rows with one statement on `on` (a pool, or a client inside the caller's
 * transaction: `migrate-store`), replacing a held row only by a higher revision; the rows written.
 */
export async function upsertInsights(
  on: pg.Pool | pg.ClientBase,
  tenantId: string,
  writes: readonly InsightWrite[],
  /** Add what is written to the tenant's usage of this UTC day (`YYYY-MM-DD`), in the same statement. */
  countOn?: string,
): Promise<{ local_id: string; updated: boolean; bytes: number }[]> {
  // Rows in key order: two batches touching the same insights lock them in one order, never deadlock.
  const rowsInKeyOrder = [...writes].sort((a, b) => (a.localId < b.localId ? -1 : a.localId > b.localId ? 1 : 0));
  const values = [tenantId, rowsInKeyOrder.map((w) => w.doc), JSON.stringify(rowsInKeyOrder.map((w) => w.columns))];
  const { rows } = await on.query<{ local_id: string; updated: boolean; bytes: number }>(
    countOn === undefined ? UPSERT : UPSERT_COUNTED,
    countOn === undefined ? values : [...values, countOn],
  );
  return rows;
}

/** Of several writes of one insight in a batch, the highest revision (the first of equals), as one at a time would keep. */
function newestPerInsight(writes: InsightWrite[]): InsightWrite[] {
  const newest = new Map<string, InsightWrite>();
  for (const write of writes) {
    const held = newest.get(write.localId);
    if (!held || held.revision < write.revision) newest.set(write.localId, write);
  }
  return [...newest.values()];
}

/**
 * The federated insights in PostgreSQL (table `insights`, insights-migration.ts). Nothing is held
 * in memory and nothing is read at start: every question is a query on indexed columns, so the
 * hub starts in the same time whatever it holds. A batch is one statement, committed before
 * `store` resolves: durable and visible at once, and visible to every hub sharing the database.
 */
export class PostgresInsightRepository implements InsightRepository {
  readonly kind = "postgres" as const;
  /** What dashboards show, counted by the database (their widgets never read the rows). */
  readonly figures: InsightFigures;
  readonly #db: PostgresDatabase;

  constructor(db: PostgresDatabase) {
    this.#db = db;
    this.figures = postgresInsightFigures(db.pool);
  }

  async open(): Promise<number> {
    return 0;
  }

  indexProgress(): IndexProgress {
    return { building: false, shards: 0, shardsRead: 0, insightsRead: 0, insightsIndexed: 0 };
  }

  async store(tenantId: string, insights: readonly Insight[], options: StoreOptions = {}): Promise<StoredInsights> {
    if (insights.length === 0) return { kept: [], updated: 0, unchanged: 0, bytes: 0 };
    const writes = newestPerInsight(insights.map((insight) => insightWrite(tenantId, insight)));
    const rows = await upsertInsights(this.#db.pool, tenantId, writes, options.countOn);
    const written = new Map(rows.map((row) => [row.local_id, row.updated]));
    const kept = writes.filter((w) => written.has(w.localId)).map((w) => w.localId);
    const updated = rows.filter((row) => row.updated).length;
    const bytes = rows.reduce((sum, row) => sum + Number(row.bytes), 0);
    return { kept, updated, unchanged: insights.length - kept.length, bytes };
  }

  async durable(): Promise<void> {}

  async show(tenantId: string, localIds: readonly string[]): Promise<InsightEntry[]> {
    const found = await this.getMany(localIds.map((localId) => hubInsightId(tenantId, localId)));
    return [...found.values()];
  }

  async get(key: string): Promise<InsightEntry | undefined> {
    const { rows } = await this.#db.pool.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM insights WHERE key = $1`, [key]);
    return rows[0] && entryOfRow(rows[0]);
  }

  async getMany(keys: readonly string[]): Promise<Map<string, InsightEntry>> {
    const found = new Map<string, InsightEntry>();
    if (keys.length === 0) return found;
    const { rows } = await this.#db.pool.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM insights WHERE key = ANY($1::text[])`, [[...keys]]);
    const byKey = new Map(rows.map((row) => [row.key, row]));
    // In the order asked (live events go out in that order).
    for (const key of keys) {
      const row = byKey.get(key);
      if (row) found.set(key, entryOfRow(row));
    }
    return found;
  }

  async detail(key: string): Promise<{ entry: InsightEntry; record: InsightRecord } | undefined> {
    const { rows } = await this.#db.pool.query<EntryRow & { doc: InsightRecord }>(`SELECT ${ENTRY_COLUMNS}, doc FROM insights WHERE key = $1`, [key]);
    const row = rows[0];
    return row && { entry: entryOfRow(row), record: row.doc };
  }

  async list(query: IndexQuery): Promise<InsightPage> {
    const page = pageSql(query, ENTRY_COLUMNS);
    const total = totalSql(query);
    // The page and the total at once, on two connections.
    const [pageRows, counted] = await Promise.all([
      this.#db.pool.query<EntryRow>(page.text, page.values),
      this.#db.pool.query<{ total: string }>(total.text, total.values),
    ]);
    const entries = pageRows.rows.map(entryOfRow);
    const more = entries.length > query.limit;
    const items = more ? entries.slice(0, query.limit) : entries;
    const last = items.at(-1);
    return { items, nextCursor: more && last ? encodeCursor(query.sort, query.order, last) : null, total: Number(counted.rows[0]!.total) };
  }

  async facets(field: FacetField, tenantIds: readonly string[] | null, limit: number): Promise<FacetCount[]> {
    const { from, value } = FACET_VALUE[field];
    const sql = new SqlFilter();
    if (tenantIds !== null) sql.and(`tenant_id = ANY(${sql.param([...tenantIds])}::text[])`);
    sql.and(`${value} IS NOT NULL`);
    const { rows } = await this.#db.pool.query<{ value: string; count: string }>(
      `SELECT ${value} AS value, count(*) AS count FROM ${from} ${sql.where} GROUP BY 1 ORDER BY count(*) DESC, ${value} COLLATE "C" LIMIT ${sql.param(limit)}`,
      sql.params,
    );
    return rows.map((row) => ({ value: row.value, count: Number(row.count) }));
  }

  async inRange(field: InsightTimeField, from: number | null, to: number | null, tenantIds: ReadonlySet<string> | null): Promise<IndexedInsight[]> {
    const column = TIME_COLUMN[field];
    const sql = new SqlFilter();
    sql.and(`${column} IS NOT NULL`);
    if (from !== null) sql.and(`${column} >= ${sql.param(from)}`);
    if (to !== null) sql.and(`${column} < ${sql.param(to)}`);
    if (tenantIds !== null) sql.and(`tenant_id = ANY(${sql.param([...tenantIds])}::text[])`);
    const { rows } = await this.#db.pool.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM insights ${sql.where} ORDER BY ${column}, key`, sql.params);
    return rows.map(entryOfRow);
  }

  async purgeCreatedBefore(tenantId: string, before: number, limit: number): Promise<string[]> {
    // A range of insights_by_tenant (tenant_id, created_at, key): the old rows only, never the rest.
    const { rows } = await this.#db.pool.query<{ key: string }>(
      `WITH gone AS (
         DELETE FROM insights WHERE key IN (
           SELECT key FROM insights WHERE tenant_id = $1 AND created_at < $2 ORDER BY created_at, key LIMIT $3
         ) RETURNING key, created_at
       )
       SELECT key FROM gone ORDER BY created_at, key`,
      [tenantId, before, limit],
    );
    return rows.map((row) => row.key);
  }

  async dropTenant(tenantId: string): Promise<number> {
    const { rowCount } = await this.#db.pool.query(`DELETE FROM insights WHERE tenant_id = $1`, [tenantId]);
    await this.#db.pool.query(`DELETE FROM insight_usage WHERE tenant_id = $1`, [tenantId]);
    return rowCount ?? 0;
  }

  async count(): Promise<number> {
    const { rows } = await this.#db.pool.query<{ total: string }>(`SELECT coalesce(sum(n), 0) AS total FROM insight_counts`);
    return Number(rows[0]!.total);
  }
}
