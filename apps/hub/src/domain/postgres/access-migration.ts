import { RECORDS_TABLE, type Doc, type Migration } from "@canopy/store";
import type { SqlClient } from "./sql-client.js";

/**
 * Users, sessions and API keys leave the store's records for tables of their own, queried by
 * their repositories (never loaded at start): a column for each lookup (`email` is unique,
 * sessions expire by `expires_at`, keys list by `created_at`), the document beside it. Rows an
 * earlier version wrote move over in the same step. Times are the documents' ISO strings, which
 * sort as the times do.
 */
export const accessMigration = (version: number): Migration => ({
  version,
  name: "access-tables",
  sql: `
    CREATE TABLE canopy_users (
      id text PRIMARY KEY,
      email text NOT NULL UNIQUE,
      doc json NOT NULL
    );
    CREATE TABLE canopy_sessions (
      id text PRIMARY KEY,
      expires_at text COLLATE "C" NOT NULL,
      doc json NOT NULL
    );
    CREATE INDEX canopy_sessions_expiry ON canopy_sessions (expires_at);
    CREATE TABLE canopy_api_keys (
      id text COLLATE "C" PRIMARY KEY,
      created_at text COLLATE "C" NOT NULL,
      doc json NOT NULL
    );
    CREATE INDEX canopy_api_keys_created ON canopy_api_keys (created_at, id);

    INSERT INTO canopy_users (id, email, doc) SELECT id, doc->>'email', doc FROM ${RECORDS_TABLE} WHERE collection = 'users';
    INSERT INTO canopy_sessions (id, expires_at, doc) SELECT id, doc->>'expiresAt', doc FROM ${RECORDS_TABLE} WHERE collection = 'sessions';
    INSERT INTO canopy_api_keys (id, created_at, doc) SELECT id, doc->>'createdAt', doc FROM ${RECORDS_TABLE} WHERE collection = 'api-keys';
    DELETE FROM ${RECORDS_TABLE} WHERE collection IN ('users', 'sessions', 'api-keys');
  `,
});

const ACCESS_TABLES: Readonly<Record<string, { table: string; column: string; field: string }>> = {
  users: { table: "canopy_users", column: "email", field: "email" },
  sessions: { table: "canopy_sessions", column: "expires_at", field: "expiresAt" },
  "api-keys": { table: "canopy_api_keys", column: "created_at", field: "createdAt" },
};

/** The table a store collection's documents live in on PostgreSQL, when it is one of these. */
export const accessTableOf = (collection: string): string | undefined => ACCESS_TABLES[collection]?.table;

/** `migrate-store`: one embedded collection's documents into its table (inside the copy's transaction). */
export async function copyAccessRows(sql: SqlClient, collection: string, docs: readonly Doc[]): Promise<void> {
  const target = ACCESS_TABLES[collection];
  if (!target || docs.length === 0) return;
  await sql.query(
    `INSERT INTO ${target.table} (id, ${target.column}, doc)
     SELECT id, key, doc::json FROM unnest($1::text[], $2::text[], $3::text[]) AS t(id, key, doc)`,
    [docs.map((doc) => doc.id), docs.map((doc) => String((doc as unknown as Record<string, unknown>)[target.field])), docs.map((doc) => JSON.stringify(doc))],
  );
}
