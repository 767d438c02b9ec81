import type { StoreWriteError } from "./store-errors.js";

/** Anything kept in the store has a string id, unique within its collection. */
export interface Doc {
  id: string;
}

/**
 * One partition of the store: a set of documents by id. Reads and writes are synchronous and
 * in memory; durability is asked for separately with `Store.flush()`, so a hot path can change
 * state without waiting for (or causing) a disk write of its own.
 *
 * Documents are values: put a new object rather than changing one you got or put (the store
 * keeps the one it replaced, to put it back if the write fails). For a large document changed
 * often, `edit` changes it in place and the store keeps a copy instead.
 */
export interface Collection<T extends Doc> {
  readonly name: string;
  readonly size: number;
  get(id: string): T | undefined;
  /**
   * The document as the last good write left it on disk (undefined: none), O(1). `get` answers
   * changes at once, before they are durable; a read that shows something as done (a result,
   * progress, a state in sync) uses this instead, so a crash cannot take back what it showed.
   */
  durable(id: string): T | undefined;
  all(): T[];
  find(predicate: (doc: T) => boolean): T | undefined;
  filter(predicate: (doc: T) => boolean): T[];
  /** Insert or replace the document with `doc.id`. */
  put(doc: T): T;
  /** Apply `change` to an existing document; undefined when there is none. */
  update(id: string, change: Partial<T> | ((doc: T) => T)): T | undefined;
  /**
   * Changes an existing document in place (undefined when there is none). For large documents
   * where a copy per change would cost more than the change: the store copies the document
   * once, when it first changes after a write, so a failed write can still put it back.
   */
  edit(id: string, change: (doc: T) => void): T | undefined;
  delete(id: string): boolean;
}

export interface StoreStats {
  /** Whole-partition file writes since the store was opened. */
  writes: number;
  /** Mutations since the store was opened. */
  changes: number;
  /** Failed writes whose changes were rolled back. */
  rollbacks: number;
  /**
   * Bytes of partition content written since the store was opened, where the store has files
   * (the embedded store); what keeps a write's cost visible, so a test can hold it flat.
   */
  bytesWritten?: number;
}

/** What a failed write undid: the collections now hold what they held after the last good write. */
export interface RollbackEvent {
  /** Every collection that changed back (owners rebuild what they derive from them). */
  collections: string[];
  error: StoreWriteError;
}

/** What a good write made durable. */
export interface DurableEvent {
  /** Every collection it wrote: their `durable` reads moved on (owners of read models over them follow). */
  collections: string[];
}

/** The store port: hub and agent logic depend on this, never on lowdb. */
export interface Store {
  collection<T extends Doc>(name: string): Collection<T>;
  /** Names of the collections there are (loaded, or opened since) that start with `prefix`. */
  collectionNames(prefix: string): string[];
  /**
   * Resolves once every change made before the call is durable. Concurrent calls share one
   * write. Rejects with `StoreWriteError` when a write failed meanwhile: then every change that
   * was not durable yet has been rolled back in memory (the caller's included), so the caller
   * must not report its change as done.
   */
  flush(): Promise<void>;
  /**
   * Called (synchronously, before any `flush()` rejects) after a failed write rolled changes
   * back, so owners can rebuild indexes and caches they keep over those collections. An
   * operation that changes the store across several turns before it flushes can also listen, to
   * learn that its earlier changes are gone. Returns the way to stop listening.
   */
  onRollback(listener: (event: RollbackEvent) => void): () => void;
  /**
   * Called (synchronously, before any `flush()` waiting for the write resolves) after a good
   * write, with the collections it wrote, so read models that show only what is durable (counts
   * over `durable` documents) can move on. Returns the way to stop listening.
   */
  onDurable(listener: (event: DurableEvent) => void): () => void;
  /**
   * A cold partition's documents as its file holds them (durable), read without blocking and
   * without keeping them: for a walk over all of them in the background (cold-partitions.ts).
   * Only a store with cold partitions has it.
   */
  readCold?(name: string): Promise<Doc[]>;
  /** Flushes and stops the write timer. */
  close(): Promise<void>;
  stats(): StoreStats;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;

export function assertCollectionName(name: string): void {
  if (!NAME.test(name)) throw new Error(`invalid collection name "${name}"`);
}
