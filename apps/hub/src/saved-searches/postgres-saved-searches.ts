import type { Migration } from "@canopy/store";
import type { SqlClient } from "../domain/postgres/sql-client.js";
import type { SavedSearchRepository } from "./saved-search-repository.js";
import type { SavedSearchRecord } from "./saved-searches.js";

export const SAVED_SEARCH_COLUMNS = "id, owner_id, org_id, shared, doc";
export const savedSearchRow = (s: SavedSearchRecord): unknown[] => [s.id, s.ownerId, s.orgId, s.shared, JSON.stringify(s)];

/** Saved searches in `canopy_saved_searches`, listed per owner by `(owner_id, id)`, shared ones per organization by `(org_id, id)`. */
export function postgresSavedSearches(sql: SqlClient): SavedSearchRepository {
  const docs = async (text: string, values: unknown[]) => (await sql.query<{ doc: SavedSearchRecord }>(text, values)).rows.map((row) => row.doc);
  const count = async (text: string, values: unknown[]) => (await sql.query(text, values)).rowCount ?? 0;
  return {
    get: async (id) => (await docs("SELECT doc FROM canopy_saved_searches WHERE id = $1", [id]))[0],
    list: (ownerId) => docs("SELECT doc FROM canopy_saved_searches WHERE owner_id = $1 ORDER BY id", [ownerId]),
    listShared: (orgIds, limit) =>
      docs("SELECT doc FROM canopy_saved_searches WHERE shared AND org_id = ANY($1::text[]) ORDER BY id LIMIT $2", [[...orgIds], limit]),
    insert: async (s) =>
      (await count(`INSERT INTO canopy_saved_searches (${SAVED_SEARCH_COLUMNS}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`, savedSearchRow(s))) > 0,
    async update(s) {
      await sql.query("UPDATE canopy_saved_searches SET owner_id = $2, org_id = $3, shared = $4, doc = $5 WHERE id = $1", savedSearchRow(s));
    },
    delete: async (id) => (await count("DELETE FROM canopy_saved_searches WHERE id = $1", [id])) > 0,
    deleteAllOf: (ownerId) => count("DELETE FROM canopy_saved_searches WHERE owner_id = $1", [ownerId]),
  };
}

/**
 * Shared objects (issue 12): dashboards get the organization they belong to and whether they are
 * shared (columns, so an organization's shared ones are found by index; the document keeps them
 * too), and saved searches a table of their own.
 */
export const sharedObjectsMigration = (version: number): Migration => ({
  version,
  name: "shared-objects",
  sql: `
    ALTER TABLE canopy_dashboards ADD COLUMN org_id text, ADD COLUMN shared boolean NOT NULL DEFAULT false;
    CREATE INDEX canopy_dashboards_shared ON canopy_dashboards (org_id, id) WHERE shared;
    CREATE TABLE canopy_saved_searches (
      id text COLLATE "C" PRIMARY KEY,
      owner_id text NOT NULL,
      org_id text NOT NULL,
      shared boolean NOT NULL,
      doc json NOT NULL
    );
    CREATE INDEX canopy_saved_searches_owner ON canopy_saved_searches (owner_id, id);
    CREATE INDEX canopy_saved_searches_shared ON canopy_saved_searches (org_id, id) WHERE shared;
  `,
});
