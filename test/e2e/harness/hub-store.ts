import { resolve } from "node:path";
import { createTestDatabase, testDatabaseUrl, type TestDatabase } from "@canopy/postgres-cluster";

/**
 * The store the suite's hubs run on: `CANOPY_E2E_STORE=postgres` (`pnpm test:postgres`) gives
 * every hub data dir its own database on the server at CANOPY_TEST_DATABASE_URL; anything else
 * is the embedded lowdb store in the data dir.
 */
export const e2eStore: "lowdb" | "postgres" = process.env.CANOPY_E2E_STORE === "postgres" ? "postgres" : "lowdb";

const databases = new Map<string, Promise<TestDatabase>>();

/**
 * The environment a hub on `dataDir` starts with. On PostgreSQL: `CANOPY_DATABASE_URL` of the
 * data dir's own database, created on first use and the same on every restart, as a real hub's
 * database outlives its process. On lowdb the variable is removed, so one set in the caller's
 * shell cannot point the suite at a real server.
 */
export async function hubStoreEnv(dataDir: string): Promise<NodeJS.ProcessEnv> {
  if (e2eStore === "lowdb") return { CANOPY_DATABASE_URL: undefined };
  const key = resolve(dataDir);
  let database = databases.get(key);
  if (!database) {
    database = createTestDatabase(testDatabaseUrl(), "canopy_e2e");
    databases.set(key, database);
    database.catch(() => databases.delete(key));
  }
  return { CANOPY_DATABASE_URL: (await database).url };
}

/** Drops the database of a hub data dir, once its hub has stopped (a no-op on lowdb). */
export async function dropHubDatabase(dataDir: string): Promise<void> {
  const key = resolve(dataDir);
  const database = databases.get(key);
  if (!database) return;
  databases.delete(key);
  await (await database).drop();
}
