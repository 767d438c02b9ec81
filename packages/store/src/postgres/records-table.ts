import type { Migration } from "./migrations.js";

/** The table the PostgreSQL store keeps its collections in. */
export const RECORDS_TABLE = "canopy_records";

/**
 * One row per document. `json`, not `jsonb`: the store never queries inside a document (queries
 * that need the database's help get their own tables and columns), `json` keeps the text as
 * written, and it accepts every string JSON can carry — `jsonb` refuses `\\u0000`, which an agent's
 * data may hold, and a write refused for that would roll back every change sharing it.
 */
export const recordsTableMigration = (version: number): Migration => ({
  version,
  name: "records",
  sql: `CREATE TABLE ${RECORDS_TABLE} (
    collection text NOT NULL,
    id text NOT NULL,
    doc json NOT NULL,
    PRIMARY KEY (collection, id)
  )`,
});
