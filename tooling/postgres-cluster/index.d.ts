export interface PostgresCluster {
  /** The `postgres` superuser's URL on 127.0.0.1, e.g. `postgres://postgres@127.0.0.1:41234/postgres`. */
  url: string;
  /** The temp folder holding the data folder, the unix socket and the server log. */
  dir: string;
  port: number;
  /** `pg_ctl stop -m fast`, then removes `dir`. Safe to call twice. */
  stop(): Promise<void>;
}
export interface StartPostgresClusterOptions {
  /** Progress lines (initdb, listening, stopped). */
  log?: (line: string) => void;
}
/** Starts a throwaway cluster in a temp folder on a free loopback port (as `postgres` when root). */
export declare function startPostgresCluster(options?: StartPostgresClusterOptions): Promise<PostgresCluster>;
/** The newest `/usr/lib/postgresql/<major>/bin` with `pg_ctl` (or `CANOPY_PG_BIN`), else undefined. */
export declare function findPostgresBin(): string | undefined;
/** A free TCP port on 127.0.0.1, found by binding port 0. */
export declare function freePort(): Promise<number>;

export interface TestDatabase {
  name: string;
  /** `adminUrl` with this database's name. */
  url: string;
  /** `DROP DATABASE … WITH (FORCE)`: ends connections still open. Safe to call twice. */
  drop(): Promise<void>;
}
/** `CREATE DATABASE <prefix>_<random>` on the server at `adminUrl`. */
export declare function createTestDatabase(adminUrl: string, prefix?: string): Promise<TestDatabase>;
/** `CANOPY_TEST_DATABASE_URL`, or a clear error saying how to get one. */
export declare function testDatabaseUrl(): string;
