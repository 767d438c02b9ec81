export type { Collection, Doc, RollbackEvent, Store, StoreStats } from "./store.js";
export { StoreFileError, StoreWriteError, describeProblem, type StoreFileProblem } from "./store-errors.js";
export { schemaFor, type CollectionSchemas } from "./collection-schemas.js";
export type { StoreCommands } from "./store-refusal.js";
export type { WriteFaultHook } from "./durable-json-file.js";
export { createMemoryStore, type MemoryStoreOptions } from "./memory-store.js";
export { createLowdbStore, type LowdbStoreOptions } from "./lowdb-store.js";
export { DEFAULT_SHARDS, ShardedCollection, shardOf } from "./sharded-collection.js";
export { checkStore, restoreCollection, StoreRestoreError, type RestoreOutcome, type StoreCheck } from "./store-maintenance.js";
