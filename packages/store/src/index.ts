export type { Collection, Doc, Store, StoreStats } from "./store.js";
export { createMemoryStore } from "./memory-store.js";
export { createLowdbStore, type LowdbStoreOptions } from "./lowdb-store.js";
export { DEFAULT_SHARDS, ShardedCollection, shardOf } from "./sharded-collection.js";
