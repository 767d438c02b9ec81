import { connectPostgres, createMemoryStore, migrate } from "@canopy/store";
import { createTestDatabase, testDatabaseUrl } from "@canopy/postgres-cluster";
import type { Clock } from "../src/core/clock.js";
import { AuditLog } from "../src/domain/audit-log.js";
import { postgresAuditReader } from "../src/domain/audit-reader.js";
import { createEmbeddedHubData } from "../src/domain/embedded/embedded-hub-data.js";
import type { HubData } from "../src/domain/hub-data.js";
import { createPostgresHubData } from "../src/domain/postgres/postgres-hub-data.js";
import { hubMigrations } from "../src/store/hub-migrations.js";

export type HubDataKind = "embedded" | "postgres";

/** The hub's repositories on one kind of storage, with a way to make writes fail as that storage would. */
export interface HubDataHarness {
  data: HubData;
  /** The audit as the hub reads it (newest first). */
  audit: AuditLog;
  /** Every write fails until `mendWrites` (embedded: the store's flush; PostgreSQL: the server refuses rows). */
  breakWrites(): Promise<void>;
  mendWrites(): Promise<void>;
  close(): Promise<void>;
}

export async function openHubData(kind: HubDataKind, clock: Clock): Promise<HubDataHarness> {
  if (kind === "embedded") {
    let broken = false;
    const store = createMemoryStore({
      fault: () => {
        if (broken) throw Object.assign(new Error("disk refused the write"), { code: "EIO" });
      },
    });
    const audit = new AuditLog(store, clock);
    return {
      data: createEmbeddedHubData(store, clock),
      audit,
      breakWrites: async () => void (broken = true),
      mendWrites: async () => void (broken = false),
      close: () => store.close(),
    };
  }
  const database = await createTestDatabase(testDatabaseUrl(), "canopy_hub_data");
  const db = await connectPostgres(database.url);
  await migrate(db.pool, hubMigrations);
  const tables = ["canopy_tenants", "canopy_agents", "canopy_pairing_codes", "canopy_users", "canopy_sessions", "canopy_api_keys", "canopy_dashboards", "canopy_content", "canopy_content_revisions", "canopy_pushes", "canopy_push_results", "canopy_desired", "canopy_reported"];
  return {
    data: createPostgresHubData(db, clock),
    // The audit's own writer is the store; only its reader matters here.
    audit: new AuditLog(createMemoryStore(), clock, postgresAuditReader(db)),
    // A constraint no new row passes: the server really refuses the write (SQLSTATE 23514).
    breakWrites: async () => {
      for (const table of tables) await db.pool.query(`ALTER TABLE ${table} ADD CONSTRAINT refuse_writes CHECK (false) NOT VALID`);
    },
    mendWrites: async () => {
      for (const table of tables) await db.pool.query(`ALTER TABLE ${table} DROP CONSTRAINT refuse_writes`);
    },
    close: async () => {
      await db.close();
      await database.drop();
    },
  };
}
