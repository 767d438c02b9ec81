import { RECORDS_TABLE, type Migration } from "@canopy/store";

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

