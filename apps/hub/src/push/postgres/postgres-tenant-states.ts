import type { SyncSummary } from "../../content/sync-reader.js";
import type { SqlClient } from "../../domain/postgres/sql-client.js";
import type { DesiredEntry, ItemKey, ReportedEntry } from "../push-records.js";
import type { TenantStateChange, TenantStateDocs, TenantStateRepository } from "../tenant-state-repository.js";

/** What a save leaves of one tenant's changes, applied in turn, once netted out. */
interface TenantWrites {
  /** Every row of the tenant goes first. */
  forget: boolean;
  desiredGone: Set<ItemKey>;
  /** In the order their keys are placed: a key deleted and put again goes last. */
  desired: Map<ItemKey, DesiredEntry>;
  reportedGone: Set<ItemKey>;
  reported: Map<ItemKey, ReportedEntry>;
}

const noWrites = (): TenantWrites => ({ forget: false, desiredGone: new Set(), desired: new Map(), reportedGone: new Set(), reported: new Map() });

/**
 * Changes netted out per tenant, so a save is a delete and an upsert per table however many it
 * carries, with the outcome of applying each in turn. Within one change, deletes go before puts
 * (as a forget does).
 */
function netWrites(changes: readonly TenantStateChange[]): Map<string, TenantWrites> {
  const writes = new Map<string, TenantWrites>();
  for (const change of changes) {
    let tenant = writes.get(change.tenantId);
    if (!tenant || change.forget) writes.set(change.tenantId, (tenant = noWrites()));
    if (change.forget) tenant.forget = true;
    for (const key of change.deleteDesired) {
      // Out of the map as well: put again, it is placed last, as a new key is.
      tenant.desired.delete(key);
      tenant.desiredGone.add(key);
    }
    for (const entry of change.putDesired) tenant.desired.set(entry.id, entry);
    for (const key of change.deleteReported) {
      tenant.reported.delete(key);
      tenant.reportedGone.add(key);
    }
    for (const entry of change.putReported) tenant.reported.set(entry.id, entry);
  }
  return writes;
}

/**
 * Deletes every row of the tenants in $1 and the rows keyed by ($2, $3). Rows are locked in key
 * order first, as the upserts write them, so two units of work touching the same tenants wait
 * for each other rather than deadlock.
 */
const deleteRows = (table: string) => `
  WITH doomed AS (
    SELECT t.tenant_id, t.key FROM ${table} t
    WHERE (t.tenant_id, t.key) IN (
      SELECT tenant_id, key FROM ${table} WHERE tenant_id = ANY($1::text[])
      UNION ALL SELECT * FROM unnest($2::text[], $3::text[])
    )
    ORDER BY t.tenant_id, t.key FOR UPDATE
  )
  DELETE FROM ${table} t USING doomed d WHERE t.tenant_id = d.tenant_id AND t.key = d.key`;

/**
 * Rows as columns: short values as arrays, documents as ONE JSON array beside them (`pg` takes
 * seconds to write 60,000 documents as a text array; `JSON.stringify` of them all, milliseconds).
 * `ROWS FROM` walks them in step.
 */
function rowsOf(columns: Record<string, string>): string {
  const types = Object.values(columns);
  const arrays = types.map((type, n) => `unnest($${n + 1}::${type}[])`);
  return `ROWS FROM (${arrays.join(", ")}, json_array_elements($${types.length + 1}::json)) WITH ORDINALITY AS i(${Object.keys(columns).join(", ")}, doc, n)`;
}

/**
 * Numbered in the order given (a new key's place), written in key order (see deleteRows). An
 * existing key keeps its number: a put does not move it. A number drawn for one is not used.
 */
const UPSERT_DESIRED = `
  INSERT INTO canopy_desired (tenant_id, key, seq, item_id, push_id, hash, revision, doc)
  SELECT tenant_id, key, seq, item_id, push_id, hash, revision, doc FROM (
    -- The identity's sequence, by its default name (table_column_seq).
    SELECT i.*, nextval('canopy_desired_seq_seq'::regclass) AS seq
    FROM ${rowsOf({ tenant_id: "text", key: "text", item_id: "text", push_id: "text", hash: "text", revision: "integer" })}
    ORDER BY n
  ) AS placed
  ORDER BY tenant_id COLLATE "C", key COLLATE "C"
  ON CONFLICT (tenant_id, key) DO UPDATE SET item_id = excluded.item_id, push_id = excluded.push_id, hash = excluded.hash, revision = excluded.revision, doc = excluded.doc`;

const UPSERT_REPORTED = `
  INSERT INTO canopy_reported (tenant_id, key, hash, drifted, failed_hash, doc)
  SELECT tenant_id, key, hash, drifted, failed_hash, doc
  FROM ${rowsOf({ tenant_id: "text", key: "text", hash: "text", drifted: "boolean", failed_hash: "text" })}
  ORDER BY tenant_id COLLATE "C", key COLLATE "C"
  ON CONFLICT (tenant_id, key) DO UPDATE SET hash = excluded.hash, drifted = excluded.drifted, failed_hash = excluded.failed_hash, doc = excluded.doc`;

/** Both tables in one statement, so one snapshot: a load on the pool never sees half a unit of work. */
const LOAD = `
  SELECT true AS desired, tenant_id, seq, doc FROM canopy_desired WHERE tenant_id = ANY($1::text[])
  UNION ALL
  SELECT false, tenant_id, NULL, doc FROM canopy_reported WHERE tenant_id = ANY($1::text[])`;

/**
 * An item's targets: per tenant, its desired entry for the item, or the one whose key was desired
 * last if it has several (an item renamed and pushed again is desired under both names; the new
 * one is what the tenant is owed). The item index gives them in that order, so no sort.
 */
const targetsOf = (item: string, columns: string) => `
  SELECT DISTINCT ON (d.tenant_id) ${columns} FROM canopy_desired d
  WHERE d.item_id = ${item} ORDER BY d.tenant_id, d.seq DESC`;

/**
 * Each item's targets counted by state, as `syncSummaryOf` counts them, from the item index
 * and the reports' columns, never a document. A report holding the desired hash is applied or
 * drifted; else one that refused that hash is failed; else the target is pending.
 */
const SUMMARIES = `
  SELECT i.id,
    count(*) AS total,
    count(*) FILTER (WHERE r.hash = d.hash AND NOT r.drifted) AS applied,
    count(*) FILTER (WHERE r.hash = d.hash AND r.drifted) AS drifted,
    count(*) FILTER (WHERE r.hash IS DISTINCT FROM d.hash AND r.failed_hash = d.hash) AS failed,
    count(*) FILTER (WHERE r.hash = d.hash AND NOT r.drifted AND d.revision = i.revision) AS current
  FROM unnest($1::text[], $2::integer[]) AS i(id, revision)
  CROSS JOIN LATERAL (${targetsOf("i.id", "d.tenant_id, d.key, d.hash, d.revision")}) AS d
  LEFT JOIN canopy_reported r ON r.tenant_id = d.tenant_id AND r.key = d.key
  GROUP BY i.id`;

const TARGETS = `
  SELECT d.tenant_id, d.desired, r.doc AS reported
  FROM (${targetsOf("$1", "d.tenant_id, d.key, d.doc AS desired")}) AS d
  LEFT JOIN canopy_reported r ON r.tenant_id = d.tenant_id AND r.key = d.key
  ORDER BY d.tenant_id`;

/**
 * The distinct push ids, each found by one probe of the push index past the one before: a few
 * hundred pushes among 600,000 entries cost a few hundred probes, not a read of every entry.
 */
const NAMED_PUSHES = `
  WITH RECURSIVE named AS (
    (SELECT push_id FROM canopy_desired ORDER BY push_id LIMIT 1)
    UNION ALL
    SELECT (SELECT d.push_id FROM canopy_desired d WHERE d.push_id > n.push_id ORDER BY d.push_id LIMIT 1) FROM named n WHERE n.push_id IS NOT NULL
  )
  SELECT push_id FROM named WHERE push_id IS NOT NULL`;

type Count = string;
interface SummaryRow {
  id: string;
  total: Count;
  applied: Count;
  drifted: Count;
  failed: Count;
  current: Count;
}

function summaryOf(row: SummaryRow | undefined): SyncSummary {
  if (!row) return { synchronized: false, total: 0, applied: 0, pending: 0, failed: 0, drifted: 0 };
  const [total, applied, drifted, failed] = [row.total, row.applied, row.drifted, row.failed].map(Number) as [number, number, number, number];
  return { synchronized: total > 0 && Number(row.current) === total, total, applied, pending: total - applied - drifted - failed, failed, drifted };
}

async function deleteFrom(sql: SqlClient, table: string, writes: Map<string, TenantWrites>, gone: (tenant: TenantWrites) => Set<ItemKey>) {
  const forgotten: string[] = [];
  const tenants: string[] = [];
  const keys: string[] = [];
  for (const [tenantId, tenant] of writes) {
    if (tenant.forget) forgotten.push(tenantId);
    for (const key of gone(tenant)) {
      tenants.push(tenantId);
      keys.push(key);
    }
  }
  if (forgotten.length > 0 || keys.length > 0) await sql.query(deleteRows(table), [forgotten, tenants, keys]);
}

/** Rows per upsert statement: a push to 10,000 tenants × 60 items saves 600,000 entries; a statement's parameters stay a few MB. */
const ROWS_PER_STATEMENT = 20_000;

/**
 * Each tenant's entries of one table, in statements of whole tenants taken in id order: rows are
 * locked in (tenant, key) order across statements as within one (see deleteRows).
 */
function statementsOf<T>(writes: Map<string, TenantWrites>, of: (tenant: TenantWrites) => Map<ItemKey, T>): { tenantId: string; entry: T }[][] {
  const statements: { tenantId: string; entry: T }[][] = [];
  let rows: { tenantId: string; entry: T }[] = [];
  for (const tenantId of [...writes.keys()].sort()) {
    const entries = of(writes.get(tenantId)!);
    if (rows.length > 0 && rows.length + entries.size > ROWS_PER_STATEMENT) {
      statements.push(rows);
      rows = [];
    }
    for (const entry of entries.values()) rows.push({ tenantId, entry });
  }
  if (rows.length > 0) statements.push(rows);
  return statements;
}

/**
 * Tenants' desired and reported state in `canopy_desired` and `canopy_reported`
 * (tenant-state-tables-migration.ts). A save is a delete and an upsert per table (an upsert per
 * 20,000 entries); a summary of a page of items is one aggregate.
 */
export function postgresTenantStates(sql: SqlClient): TenantStateRepository {
  return {
    async load(tenantIds) {
      const ids = [...new Set(tenantIds)];
      const states = new Map<string, TenantStateDocs>(ids.map((id) => [id, { desired: [], reported: [] }]));
      if (ids.length === 0) return states;
      const { rows } = await sql.query<{ desired: boolean; tenant_id: string; seq: string | null; doc: DesiredEntry | ReportedEntry }>(LOAD, [ids]);
      // Ordered here, not by the database: a sort of every document there would spill to disk.
      const seqs = new Map<DesiredEntry, number>();
      for (const row of rows) {
        const state = states.get(row.tenant_id)!;
        if (row.desired) {
          seqs.set(row.doc as DesiredEntry, Number(row.seq));
          state.desired.push(row.doc as DesiredEntry);
        } else state.reported.push(row.doc as ReportedEntry);
      }
      for (const state of states.values()) {
        state.desired.sort((a, b) => seqs.get(a)! - seqs.get(b)!);
        state.reported.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      }
      return states;
    },
    async targets(itemId) {
      const { rows } = await sql.query<{ tenant_id: string; desired: DesiredEntry; reported: ReportedEntry | null }>(TARGETS, [itemId]);
      return rows.map((row) => ({ tenantId: row.tenant_id, desired: row.desired, reported: row.reported ?? undefined }));
    },
    async summaries(items) {
      // The last of an id asked twice counts, once.
      const revisions = new Map(items.map((item) => [item.id, item.revision]));
      const found = new Map<string, SummaryRow>();
      if (revisions.size > 0) {
        const { rows } = await sql.query<SummaryRow>(SUMMARIES, [[...revisions.keys()], [...revisions.values()]]);
        for (const row of rows) found.set(row.id, row);
      }
      return new Map([...revisions.keys()].map((id) => [id, summaryOf(found.get(id))]));
    },
    async namedPushes() {
      return (await sql.query<{ push_id: string }>(NAMED_PUSHES)).rows.map((row) => row.push_id);
    },
    async namedBy(pushId) {
      const { rows } = await sql.query<{ tenant_id: string; key: string }>("SELECT tenant_id, key FROM canopy_desired WHERE push_id = $1 ORDER BY tenant_id, key", [pushId]);
      return rows.map((row) => ({ tenantId: row.tenant_id, key: row.key }));
    },
    async save(changes) {
      const writes = netWrites(changes);
      if (writes.size === 0) return;
      await deleteFrom(sql, "canopy_desired", writes, (tenant) => tenant.desiredGone);
      for (const desired of statementsOf(writes, (tenant) => tenant.desired)) {
        await sql.query(UPSERT_DESIRED, [
          desired.map((row) => row.tenantId),
          desired.map((row) => row.entry.id),
          desired.map((row) => row.entry.itemId),
          desired.map((row) => row.entry.pushId),
          desired.map((row) => row.entry.hash),
          desired.map((row) => row.entry.revision),
          JSON.stringify(desired.map((row) => row.entry)),
        ]);
      }
      await deleteFrom(sql, "canopy_reported", writes, (tenant) => tenant.reportedGone);
      for (const reported of statementsOf(writes, (tenant) => tenant.reported)) {
        await sql.query(UPSERT_REPORTED, [
          reported.map((row) => row.tenantId),
          reported.map((row) => row.entry.id),
          reported.map((row) => row.entry.hash),
          reported.map((row) => row.entry.drifted),
          reported.map((row) => row.entry.failedHash ?? null),
          JSON.stringify(reported.map((row) => row.entry)),
        ]);
      }
    },
  };
}
