import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, testDatabaseUrl } from "@canopy/postgres-cluster";
import type { HubOptions } from "../src/hub.js";
import { createTestHub, type TestHub } from "./helpers.js";

/** A test hub on a throwaway PostgreSQL database (and a throwaway data dir for its key); `close` drops both. */
export async function createPostgresTestHub(options: HubOptions = {}): Promise<TestHub & { close(): Promise<void> }> {
  const database = await createTestDatabase(testDatabaseUrl(), "canopy_hub");
  const dataDir = await mkdtemp(join(tmpdir(), "canopy-pg-hub-"));
  const t = await createTestHub({ ...options, store: undefined, databaseUrl: database.url, dataDir });
  const services = await t.hub.services();
  return {
    hub: t.hub,
    store: services.store,
    async close() {
      await t.hub.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
