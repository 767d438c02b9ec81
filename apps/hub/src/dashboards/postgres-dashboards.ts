import type { Migration } from "@canopy/store";
import { RECORDS_TABLE } from "@canopy/store";
import type { SqlClient } from "../domain/postgres/sql-client.js";
import type { DashboardRepository } from "./dashboard-repository.js";
import type { DashboardRecord } from "./dashboards.js";

/** Dashboards in `canopy_dashboards`, listed per owner by `(owner_id, id)`. */
export function postgresDashboards(sql: SqlClient): DashboardRepository {
  const docs = async (text: string, values: unknown[]) => (await sql.query<{ doc: DashboardRecord }>(text, values)).rows.map((row) => row.doc);
  const count = async (text: string, values: unknown[]) => (await sql.query(text, values)).rowCount ?? 0;
  return {
    get: async (id) => (await docs("SELECT doc FROM canopy_dashboards WHERE id = $1", [id]))[0],
    list: (ownerId) => docs("SELECT doc FROM canopy_dashboards WHERE owner_id = $1 ORDER BY id", [ownerId]),
    insert: async (d) => (await count("INSERT INTO canopy_dashboards (id, owner_id, doc) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING", [d.id, d.ownerId, JSON.stringify(d)])) > 0,
    async update(d) {
      await sql.query("UPDATE canopy_dashboards SET owner_id = $2, doc = $3 WHERE id = $1", [d.id, d.ownerId, JSON.stringify(d)]);
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
