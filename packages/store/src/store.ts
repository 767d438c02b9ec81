/** Anything kept in the store has a string id, unique within its collection. */
export interface Doc {
  id: string;
}

/**
 * One partition of the store: a set of documents by id. Reads and writes are synchronous and
 * in memory; durability is asked for separately with `Store.flush()`, so a hot path can change
 * state without waiting for (or causing) a disk write of its own.
 */
export interface Collection<T extends Doc> {
  readonly name: string;
  readonly size: number;
  get(id: string): T | undefined;
  all(): T[];
  find(predicate: (doc: T) => boolean): T | undefined;
  filter(predicate: (doc: T) => boolean): T[];
  /** Insert or replace the document with `doc.id`. */
  put(doc: T): T;
  /** Apply `change` to an existing document; undefined when there is none. */
  update(id: string, change: Partial<T> | ((doc: T) => T)): T | undefined;
  delete(id: string): boolean;
}

export interface StoreStats {
  /** Whole-partition file writes since the store was opened. */
  writes: number;
  /** Mutations since the store was opened. */
  changes: number;
}

/** The store port: hub and agent logic depend on this, never on lowdb. */
export interface Store {
  collection<T extends Doc>(name: string): Collection<T>;
  /** Resolves once every change made before the call is on disk. Concurrent calls share writes. */
  flush(): Promise<void>;
  /** Flushes and stops the write timer. */
  close(): Promise<void>;
  stats(): StoreStats;
}

const NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;

export function assertCollectionName(name: string): void {
  if (!NAME.test(name)) throw new Error(`invalid collection name "${name}"`);
}
