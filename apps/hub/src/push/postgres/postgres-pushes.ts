import { ROOT_ORG_ID, type PushResultStatus } from "@canopy/api";
import type { SqlClient } from "../../domain/postgres/sql-client.js";
import type { PushPlanDoc, PushRecord } from "../push-records.js";
import type { PushRepository, StoredResult } from "../push-repository.js";
import { countsOf, progressOf, PUSH_COLUMNS, pushRow, resultOf, storableError, type OrdinalRow } from "./push-rows.js";

/**
 * One statement for the whole push, so it is whole even on the pool: the record and plan, the
 * plan's tenants and items, and a pending result per tenant and item. The results are numbered
 * by the database (no row is sent), in key order, so the index is only ever appended to.
 */
const CREATE = `
  WITH push AS (
    INSERT INTO canopy_pushes (${PUSH_COLUMNS}) VALUES ($1::text, $2, $3, $4, $5, $6, $7, $8)
  ), tenants AS (
    INSERT INTO canopy_push_tenants (push_id, tenant_ord, tenant_id)
      SELECT $1::text, t.ord, t.tenant_id FROM unnest($9::text[]) WITH ORDINALITY AS t(tenant_id, ord)
  ), items AS (
    INSERT INTO canopy_push_items (push_id, item_ord, key)
      SELECT $1::text, i.ord, i.key FROM unnest($10::text[]) WITH ORDINALITY AS i(key, ord)
  )
  INSERT INTO canopy_push_results (push_id, tenant_ord, item_ord, status)
    SELECT $1::text, g / $11::integer + 1, g % $11::integer + 1, 'pending'
    FROM generate_series(0, cardinality($9::text[]) * $11::integer - 1) AS g`;

/**
 * Results that moved, in one statement however many: each is found by its push, tenant and
 * key (the last of duplicates wins, as if saved in turn); if any is not in its push's plan,
 * nothing is written and the first such is answered. Unchanged results are not rewritten.
 *
 * Ordinals are looked up by scalar subqueries, which PostgreSQL never turns into joins: each
 * stays one probe of a unique index. Written as a join, it was planned from statistics taken
 * before a big push was made (autovacuum comes later) as a pass over all of a push's results
 * for each one saved.
 */
const SAVE_RESULTS = `
  WITH input AS (
    SELECT DISTINCT ON (push_id, tenant_id, key) push_id, tenant_id, key, status, error
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS i(push_id, tenant_id, key, status, error, n)
    ORDER BY push_id, tenant_id, key, n DESC
  ), located AS (
    SELECT i.*,
      (SELECT t.tenant_ord FROM canopy_push_tenants t WHERE t.tenant_id = i.tenant_id AND t.push_id = i.push_id) AS tenant_ord,
      (SELECT k.item_ord FROM canopy_push_items k WHERE k.push_id = i.push_id AND k.key = i.key) AS item_ord
    FROM input i
  ), refused AS (
    SELECT push_id, tenant_id, key FROM located WHERE tenant_ord IS NULL OR item_ord IS NULL LIMIT 1
  ), moved AS (
    UPDATE canopy_push_results r SET status = l.status, error = l.error
    FROM located l
    WHERE r.push_id = l.push_id AND r.tenant_ord = l.tenant_ord AND r.item_ord = l.item_ord
      AND (r.status, r.error) IS DISTINCT FROM (l.status, l.error)
      AND NOT EXISTS (SELECT 1 FROM refused)
  )
  SELECT push_id, tenant_id, key FROM refused`;

const ORDINAL_RESULTS = "SELECT tenant_ord, item_ord, status, error FROM canopy_push_results WHERE push_id = $1";

/**
 * A tenant's results in the pushes created in a window, counted by status. The lateral count
 * has an aggregate, so it is never flattened into a join: each tenant of each push is one
 * range of the results' key, whatever the statistics say.
 */
const TENANT_OUTCOMES = (created: string, tenants: string) => `
  SELECT c.status, sum(c.n) AS n FROM canopy_pushes p
  JOIN canopy_push_tenants t ON t.push_id = p.id AND t.tenant_id = ANY(${tenants}::text[])
  CROSS JOIN LATERAL (
    SELECT r.status, count(*) AS n FROM canopy_push_results r
    WHERE r.push_id = t.push_id AND r.tenant_ord = t.tenant_ord GROUP BY r.status
  ) AS c
  WHERE ${created} GROUP BY c.status`;

type CountRow = { status: PushResultStatus; n: string };

const itemKeys = async (sql: SqlClient, pushId: string) =>
  (await sql.query<{ key: string }>("SELECT key FROM canopy_push_items WHERE push_id = $1 ORDER BY item_ord", [pushId])).rows.map((row) => row.key);

const statusFilter = (values: unknown[], statuses: readonly PushResultStatus[] | undefined) =>
  statuses === undefined ? "" : ` AND status = ANY($${values.push(statuses)}::text[])`;

/**
 * Results are read by their key alone and named from the plan's tables in a statement after it:
 * results seen mean their push is committed, plan and all. (One statement joining them planned
 * a 600,000-result read as a scan of the plan's tenants for each result, from statistics taken
 * before the push was made.)
 */
async function allResults(sql: SqlClient, pushId: string, statuses: readonly PushResultStatus[] | undefined): Promise<StoredResult[]> {
  const values: unknown[] = [pushId];
  const { rows } = await sql.query<OrdinalRow>(`${ORDINAL_RESULTS}${statusFilter(values, statuses)} ORDER BY tenant_ord, item_ord`, values);
  if (rows.length === 0) return [];
  const tenants = (await sql.query<{ tenant_id: string }>("SELECT tenant_id FROM canopy_push_tenants WHERE push_id = $1 ORDER BY tenant_ord", [pushId])).rows;
  const keys = await itemKeys(sql, pushId);
  return rows.map((row) => resultOf(pushId, tenants[row.tenant_ord - 1]!.tenant_id, keys[row.item_ord - 1]!, row));
}

async function tenantResults(sql: SqlClient, pushId: string, tenantIds: readonly string[], statuses: readonly PushResultStatus[] | undefined): Promise<StoredResult[]> {
  const { rows: tenants } = await sql.query<{ tenant_ord: number; tenant_id: string }>(
    "SELECT tenant_ord, tenant_id FROM canopy_push_tenants WHERE push_id = $1 AND tenant_id = ANY($2::text[])",
    [pushId, tenantIds],
  );
  if (tenants.length === 0) return [];
  const names = new Map(tenants.map((tenant) => [tenant.tenant_ord, tenant.tenant_id]));
  const values: unknown[] = [pushId, [...names.keys()]];
  const { rows } = await sql.query<OrdinalRow>(`${ORDINAL_RESULTS} AND tenant_ord = ANY($2::integer[])${statusFilter(values, statuses)} ORDER BY tenant_ord, item_ord`, values);
  const keys = await itemKeys(sql, pushId);
  return rows.map((row) => resultOf(pushId, names.get(row.tenant_ord)!, keys[row.item_ord - 1]!, row));
}

/** A push's record (`p`) and its counts by status, as `records` reads them. */
const RECORD = `p.doc, (SELECT coalesce(json_agg(json_build_object('status', c.status, 'n', c.n)), '[]'::json) FROM canopy_push_counts c WHERE c.push_id = p.id) AS counts`;

/**
 * The push history in `canopy_pushes` and its sibling tables (push-tables-migration.ts): pages
 * are keyset range scans newest first, counts are read from `canopy_push_counts`, which the
 * database keeps as results move.
 */
export function postgresPushes(sql: SqlClient): PushRepository {
  // A record with the counts its results have now (the record's own are as of its last change of state).
  const records = async (text: string, values: unknown[]) =>
    (await sql.query<{ doc: PushRecord; counts: CountRow[] }>(text, values)).rows.map((row) => ({ ...row.doc, progress: progressOf(row.counts) }));
  return {
    async create(record, plan) {
      await sql.query(CREATE, [...pushRow(record, plan), plan.tenantIds, plan.items.map((item) => item.key), plan.items.length]);
    },
    async get(pushId) {
      return (await records(`SELECT ${RECORD} FROM canopy_pushes p WHERE p.id = $1`, [pushId]))[0];
    },
    async page(query) {
      const values: unknown[] = [];
      const param = (value: unknown) => `$${values.push(value)}`;
      const where: string[] = [];
      // A tenant's pushes are read from its own range of (tenant_id, push_id), newest first:
      // filtering every push instead would read all of history for a tenant in few of them.
      let from = "canopy_pushes p";
      let id = "p.id";
      if (query.tenantId !== undefined) {
        from = "canopy_push_tenants t JOIN canopy_pushes p ON p.id = t.push_id";
        id = "t.push_id";
        where.push(`t.tenant_id = ${param(query.tenantId)}`);
      }
      if (query.cursor !== undefined) where.push(`${id} < ${param(query.cursor)}`);
      if (query.createdBy !== undefined) where.push(`p.created_by = ${param(query.createdBy)}`);
      if (query.orgIds !== undefined) where.push(`coalesce(p.doc->>'orgId', '${ROOT_ORG_ID}') = ANY(${param([...query.orgIds])}::text[])`);
      if (query.state !== undefined) where.push(`p.state = ${param(query.state)}`);
      if (query.kind !== undefined) where.push(`p.kinds @> ARRAY[${param(query.kind)}::text]`);
      if (query.itemId !== undefined) where.push(`p.item_ids @> ARRAY[${param(query.itemId)}::text]`);
      const filter = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
      const rows = await records(`SELECT ${RECORD} FROM ${from} ${filter} ORDER BY ${id} DESC LIMIT ${param(query.limit + 1)}`, values);
      const items = rows.slice(0, query.limit);
      return { items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.id : null };
    },
    inStates: (states) => records(`SELECT ${RECORD} FROM canopy_pushes p WHERE p.state = ANY($1::text[]) ORDER BY p.id`, [states]),
    async plan(pushId) {
      return (await sql.query<{ plan: PushPlanDoc }>("SELECT plan FROM canopy_pushes WHERE id = $1", [pushId])).rows[0]?.plan;
    },
    async results(pushId, filter = {}) {
      return filter.tenantIds === undefined ? allResults(sql, pushId, filter.statuses) : tenantResults(sql, pushId, filter.tenantIds, filter.statuses);
    },
    async progress(pushId) {
      return progressOf((await sql.query<CountRow>("SELECT status, n FROM canopy_push_counts WHERE push_id = $1", [pushId])).rows);
    },
    async outcomes(from, to, tenantIds) {
      if (tenantIds?.size === 0) return countsOf([]);
      const values: unknown[] = [new Date(to).toISOString()];
      const created = `p.created_at < $1${from === null ? "" : ` AND p.created_at >= $${values.push(new Date(from).toISOString())}`}`;
      const text =
        tenantIds === null
          ? `SELECT c.status, sum(c.n) AS n FROM canopy_pushes p JOIN canopy_push_counts c ON c.push_id = p.id WHERE ${created} GROUP BY c.status`
          : TENANT_OUTCOMES(created, `$${values.push([...tenantIds])}`);
      return countsOf((await sql.query<CountRow>(text, values)).rows);
    },
    async saveRecord(record) {
      const { rowCount } = await sql.query("UPDATE canopy_pushes SET state = $2, doc = $3 WHERE id = $1", [record.id, record.state, JSON.stringify(record)]);
      if (!rowCount) throw new Error(`push ${record.id} is not stored: a record is saved only for a push made by create`);
    },
    async saveResults(results) {
      if (results.length === 0) return;
      const { rows } = await sql.query<{ push_id: string; tenant_id: string; key: string }>(SAVE_RESULTS, [
        results.map((result) => result.pushId),
        results.map((result) => result.tenantId),
        results.map((result) => result.key),
        results.map((result) => result.status),
        results.map((result) => storableError(result.error)),
      ]);
      const refused = rows[0];
      if (refused) throw new Error(`push ${refused.push_id} holds no result for tenant ${refused.tenant_id} and item ${refused.key}: nothing of this save was written`);
    },
  };
}
