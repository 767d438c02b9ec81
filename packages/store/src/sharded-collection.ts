import type { Collection, Doc, Store } from "./store.js";

/** Shards of a sharded collection unless told otherwise. */
export const DEFAULT_SHARDS = 16;

/** FNV-1a of the id: the shard a document lives in. Stable across versions: files depend on it. */
export function shardOf(id: string, shards: number = DEFAULT_SHARDS): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % shards;
}

/**
 * One logical collection spread over `shards` partitions named `<name>.<n>`, by a hash of the
 * id. The lowdb store rewrites a whole partition per write, so a change to one document costs a
 * shard's worth of bytes rather than the whole collection's: the way to keep a large, often
 * changed set (a tenant's insights) off the hot path without a different store.
 */
export class ShardedCollection<T extends Doc> implements Collection<T> {
  readonly name: string;
  readonly #shards: Collection<T>[];

  constructor(store: Store, name: string, shards: number = DEFAULT_SHARDS) {
    if (!Number.isInteger(shards) || shards < 1) throw new Error(`shards must be a positive integer, not ${shards}`);
    this.name = name;
    this.#shards = Array.from({ length: shards }, (_, n) => store.collection<T>(`${name}.${n}`));
  }

  /** The partitions, for callers that walk or empty them one at a time. */
  get shards(): readonly Collection<T>[] {
    return this.#shards;
  }

  get size(): number {
    let size = 0;
    for (const shard of this.#shards) size += shard.size;
    return size;
  }

  get(id: string): T | undefined {
    return this.#shard(id).get(id);
  }

  all(): T[] {
    return this.#shards.flatMap((shard) => shard.all());
  }

  durable(id: string): T | undefined {
    return this.#shard(id).durable(id);
  }

  find(predicate: (doc: T) => boolean): T | undefined {
    for (const shard of this.#shards) {
      const found = shard.find(predicate);
      if (found) return found;
    }
    return undefined;
  }

  filter(predicate: (doc: T) => boolean): T[] {
    return this.#shards.flatMap((shard) => shard.filter(predicate));
  }

  put(doc: T): T {
    return this.#shard(doc.id).put(doc);
  }

  update(id: string, change: Partial<T> | ((doc: T) => T)): T | undefined {
    return this.#shard(id).update(id, change);
  }

  edit(id: string, change: (doc: T) => void): T | undefined {
    return this.#shard(id).edit(id, change);
  }

  delete(id: string): boolean {
    return this.#shard(id).delete(id);
  }

  /** Deletes every document (each shard is written empty on the next flush). */
  clear(): number {
    let removed = 0;
    for (const shard of this.#shards) for (const doc of shard.all()) if (shard.delete(doc.id)) removed++;
    return removed;
  }

  #shard(id: string): Collection<T> {
    return this.#shards[shardOf(id, this.#shards.length)]!;
  }
}
