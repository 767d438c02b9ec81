import type pg from "pg";

/** A connection pool to one PostgreSQL database, as the stores and repositories share it. */
export interface PostgresDatabase {
  readonly pool: pg.Pool;
  /** The URL with any password replaced by `***`: the only form that may reach a log or an error. */
  readonly safeUrl: string;
  close(): Promise<void>;
}

export interface PostgresDatabaseOptions {
  /** `application_name` in `pg_stat_activity`, so an operator can tell hub connections apart. */
  applicationName?: string;
  /** Most connections the pool opens. Default 10. */
  max?: number;
}

/** `postgres://user:secret@host/db` → `postgres://user:***@host/db`; anything unparsable → `(invalid URL)`. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(invalid URL)";
  }
}

/** Thrown when the database cannot be reached or refuses us; the message never holds the password. */
export class DatabaseConnectError extends Error {
  constructor(safeUrl: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`could not connect to PostgreSQL at ${safeUrl}: ${reason}`);
    this.name = "DatabaseConnectError";
  }
}

/**
 * Opens a pool and proves it works with one round trip, so a wrong URL, a server that is down or
 * a refused password stops start-up with a clear message rather than failing the first request.
 */
export async function connectPostgres(url: string, options: PostgresDatabaseOptions = {}): Promise<PostgresDatabase> {
  const safeUrl = redactDatabaseUrl(url);
  if (!/^postgres(ql)?:\/\//.test(url)) throw new DatabaseConnectError(safeUrl, new Error("the URL must start with postgres:// or postgresql://"));
  // Loaded here, not with the package: the agent and an embedded hub never connect, and `pg`
  // costs an idle agent about 8 MiB (issue 13, P7).
  const { default: pgDriver } = await import("pg");
  const pool = new pgDriver.Pool({
    connectionString: url,
    max: options.max ?? 10,
    application_name: options.applicationName ?? "canopy",
    connectionTimeoutMillis: 10_000,
  });
  // An idle client that loses its server (a restart) must not crash the process: the next
  // query gets a fresh connection and its own error.
  pool.on("error", () => {});
  try {
    await pool.query("SELECT 1");
  } catch (error) {
    await pool.end().catch(() => {});
    throw new DatabaseConnectError(safeUrl, error);
  }
  return { pool, safeUrl, close: () => pool.end() };
}
