import type pg from "pg";

/** A pool (each statement its own transaction) or the client of a unit of work's transaction. */
export type SqlClient = Pick<pg.Pool | pg.PoolClient, "query">;

/** PostgreSQL's unique_violation: a row with the same key is there already. */
export const isUniqueViolation = (error: unknown): boolean => (error as { code?: unknown } | undefined)?.code === "23505";
