import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { createLowdbStore, type Store, type StoreCommands, type WriteFaultHook } from "@canopy/store";
import type { Logger } from "pino";
import { tenantOfShard } from "../insights/insight-records.js";
import { hubStoreReshards, hubStoreSchemas } from "./hub-store-schemas.js";

/** The store's folder in a hub data dir. */
export const hubStoreDir = (dataDir: string): string => join(dataDir, "db");

const shellWord = (word: string): string => (/^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** The `canopy-hub store …` commands for this data dir, as a refusal names them. */
export function hubStoreCommands(dataDir: string): StoreCommands {
  const where = `--data-dir ${shellWord(dataDir)}`;
  return {
    check: `canopy-hub store check ${where}`,
    restore: (collection, { discard }) => `canopy-hub store restore ${collection} ${where}${discard ? " --discard" : ""}`,
  };
}

/**
 * The hub's lowdb store under `<dataDir>/db`: every file checked against the hub's schemas (a
 * damaged one refuses to start with the exact `canopy-hub store` command out). The tenants'
 * insight shards are the exception: cold (read when touched, let go once written), so a hub
 * holding a million insights listens in seconds and keeps only their index in memory (issue 13,
 * P6); they are checked as the index is built after start, and a damaged one is named then.
 */
export async function openHubStore(dataDir: string, logger: Logger, options: { fault?: WriteFaultHook } = {}): Promise<Store> {
  const dir = hubStoreDir(dataDir);
  // Password and session hashes live here: keep the folder private.
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return createLowdbStore({
    dir,
    schemas: hubStoreSchemas,
    commands: hubStoreCommands(dataDir),
    reshard: hubStoreReshards,
    // 256 shards in memory (16 tenants' worth): agents sending at once do not read each batch's shards again.
    cold: { is: (collection) => tenantOfShard(collection) !== undefined, resident: 256 },
    onResharded: ({ collection, documents, shards }) => logger.info({ collection, documents, shards }, "carried a collection kept whole by an older version into its shards"),
    onError: (error) => logger.error({ err: error }, "store write failed"),
    ...(options.fault ? { fault: options.fault } : {}),
  });
}
