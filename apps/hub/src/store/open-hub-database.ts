import { connectPostgres, createPostgresStore, migrate, type PostgresDatabase, type Store } from "@canopy/store";
import type { Logger } from "pino";
import { hubMigrations } from "./hub-migrations.js";
import { hubStoreSchemas } from "./hub-store-schemas.js";

/**
 * Partitions that live in tables of their own on PostgreSQL, behind repositories read by query,
 * never loaded whole: insights (insights/postgres), and tenants' desired and reported push state
 * (push/postgres/postgres-tenant-states.ts).
 */
const inTablesOfTheirOwn = (collection: string): boolean =>
  collection.startsWith("insights.") || collection.startsWith("desired.") || collection.startsWith("reported.");

export interface HubDatabaseStore {
  store: Store;
  database: PostgresDatabase;
}

/**
 * The hub's store on PostgreSQL: connects (a wrong URL or a server that is down stops start-up
 * with the URL, password hidden), brings the schema to this version in one transaction, then
 * loads the records. The pool is closed again if any step fails.
 */
export async function openHubDatabaseStore(url: string, logger: Logger): Promise<HubDatabaseStore> {
  const database = await connectPostgres(url, { applicationName: "canopy-hub" });
  try {
    const outcome = await migrate(database.pool, hubMigrations);
    if (outcome.applied.length > 0) logger.info({ from: outcome.from, to: outcome.to, database: database.safeUrl }, "migrated the database schema");
    const store = await createPostgresStore({
      db: database,
      schemas: hubStoreSchemas,
      // The audit grows with every action: written with the change it records, read by query (AuditLog's reader).
      writeOnly: ["audit."],
      skip: inTablesOfTheirOwn,
      onError: (error) => logger.error({ err: error }, "store write failed"),
    });
    logger.info({ database: database.safeUrl, schema: outcome.to }, "store: PostgreSQL");
    return { store, database };
  } catch (error) {
    await database.close().catch(() => {});
    throw error;
  }
}
