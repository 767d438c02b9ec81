import type pg from "pg";
import { inTransaction } from "./transaction.js";

/** One step of a database's schema: applied once, in version order, never changed once released. */
export interface Migration {
  /** 1, 2, 3…: the order they apply in. */
  version: number;
  name: string;
  sql: string;
}

export interface MigrationOutcome {
  /** The schema version before and after. */
  from: number;
  to: number;
  applied: Migration[];
}

/** The database's schema is newer than this program knows: running would misread it. */
export class SchemaTooNewError extends Error {
  constructor(readonly databaseVersion: number, readonly knownVersion: number) {
    super(
      `the database is at schema version ${databaseVersion}, newer than this hub knows (${knownVersion}): ` +
        `run a hub of the version that migrated it, or a newer one`,
    );
    this.name = "SchemaTooNewError";
  }
}

const TABLE = "canopy_schema_migrations";
/** Any constant: hubs starting at once take turns on this advisory lock, so a migration runs once. */
const LOCK_KEY = 0x63616e6f; // "cano"

/** Checks a list is 1..n in order with unique names: a gap or a repeat is a programming error. */
function assertSequence(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`migration ${migration.name} has version ${migration.version}, expected ${index + 1}`);
  });
}

/**
 * Brings the database to the last of `migrations`: every pending one applies in ONE transaction
 * (all or none: a failure leaves the schema as it was), under an advisory lock so two hubs
 * starting together never both migrate. The applied versions are kept in `canopy_schema_migrations`.
 */
export async function migrate(pool: pg.Pool, migrations: readonly Migration[]): Promise<MigrationOutcome> {
  assertSequence(migrations);
  return inTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock($1)", [LOCK_KEY]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${TABLE}`);
    const from = rows[0]?.version ?? 0;
    if (from > migrations.length) throw new SchemaTooNewError(from, migrations.length);
    const pending = migrations.slice(from);
    for (const migration of pending) {
      await client.query(migration.sql);
      await client.query(`INSERT INTO ${TABLE} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
    }
    return { from, to: migrations.length, applied: pending };
  });
}

/** The schema version a database is at (0: never migrated). */
export async function schemaVersion(pool: pg.Pool): Promise<number> {
  const exists = await pool.query<{ table: string | null }>(`SELECT to_regclass('${TABLE}')::text AS table`);
  if (!exists.rows[0]?.table) return 0;
  const { rows } = await pool.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${TABLE}`);
  return rows[0]?.version ?? 0;
}
