import type { Migration } from "@canopy/store";
import { RECORDS_TABLE } from "@canopy/store";
import type { SqlClient } from "../domain/postgres/sql-client.js";
import type { DashboardRepository } from "./dashboard-repository.js";
import type { DashboardRecord } from "./dashboards.js";

/** A dashboard's row: the columns lists are found by, and the document. */
export const DASHBOARD_COLUMNS = "id, owner_id, org_id, shared, doc";
export const dashboardRow = (d: DashboardRecord): unknown[] => [d.id, d.ownerId, d.orgId ?? null, d.shared ?? false, JSON.stringify(d)];

/** Dashboards in `canopy_dashboards`, listed per owner by `(owner_id, id)`, shared ones per organization by `(org_id, id)`. */
export function postgresDashboards(sql: SqlClient): DashboardRepository {
  const docs = async (text: string, values: unknown[]) => (await sql.query<{ doc: DashboardRecord }>(text, values)).rows.map((row) => row.doc);
  const count = async (text: string, values: unknown[]) => (await sql.query(text, values)).rowCount ?? 0;
  return {
    get: async (id) => (await docs("SELECT doc FROM canopy_dashboards WHERE id = $1", [id]))[0],
    list: (ownerId) => docs("SELECT doc FROM canopy_dashboards WHERE owner_id = $1 ORDER BY id", [ownerId]),
    listShared: (orgIds, limit) =>
      docs("SELECT doc FROM canopy_dashboards WHERE shared AND org_id = ANY($1::text[]) ORDER BY id LIMIT $2", [[...orgIds], limit]),
    insert: async (d) => (await count(`INSERT INTO canopy_dashboards (${DASHBOARD_COLUMNS}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`, dashboardRow(d))) > 0,
    async update(d) {
      await sql.query("UPDATE canopy_dashboards SET owner_id = $2, org_id = $3, shared = $4, doc = $5 WHERE id = $1", dashboardRow(d));
    },
    delete: async (id) => (await count("DELETE FROM canopy_dashboards WHERE id = $1", [id])) > 0,
    deleteAllOf: (ownerId) => count("DELETE FROM canopy_dashboards WHERE owner_id = $1", [ownerId]),
  };
}

/** Dashboards leave the store's records for their table; rows an earlier version wrote move over. */
export const dashboardsMigration = (version: number): Migration => ({
  version,
  name: "dashboards-table",
  sql: `
    CREATE TABLE canopy_dashboards (
      id text COLLATE "C" PRIMARY KEY,
      owner_id text NOT NULL,
      doc json NOT NULL
    );
    CREATE INDEX canopy_dashboards_owner ON canopy_dashboards (owner_id, id);
    INSERT INTO canopy_dashboards (id, owner_id, doc) SELECT id, doc->>'ownerId', doc FROM ${RECORDS_TABLE} WHERE collection = 'dashboards';
    DELETE FROM ${RECORDS_TABLE} WHERE collection = 'dashboards';
  `,
});
