import type { Collection, Doc } from "./store.js";

/**
 * Partitions the store does not read when it opens, nor keep in memory once they are written:
 * a large set read a piece at a time (the hub's insight documents, a million of them, whose
 * list and board answers come from an index of their own). A cold partition is read from its
 * file when first touched, stays while it changes, and is let go again (least recently used
 * first) once what it holds is durable and more than `resident` of them are in memory.
 */
export interface ColdPartitions {
  /** Which partitions are cold (by name). */
  is(name: string): boolean;
  /** The cold partitions on disk when the store opened. */
  names: readonly string[];
  /** Reads one from disk (no file: none yet, empty); throws when the file is damaged — never treated as empty. */
  read(name: string): Doc[];
  /** The same, without blocking: for a caller walking all of them (an index built in the background). */
  readAsync(name: string): Promise<Doc[]>;
  /** How many clean cold partitions stay in memory at most. */
  resident: number;
}

/**
 * A cold partition as its owner holds it: each call goes to the partition in memory, read again
 * from disk first if it was let go meanwhile (a reference kept by the owner never goes stale).
 */
export class ColdCollection<T extends Doc> implements Collection<T> {
  readonly name: string;
  readonly #resolve: () => Collection<T>;

  constructor(name: string, resolve: () => Collection<T>) {
    this.name = name;
    this.#resolve = resolve;
  }

  get size(): number {
    return this.#resolve().size;
  }

  get(id: string): T | undefined {
    return this.#resolve().get(id);
  }

  durable(id: string): T | undefined {
    return this.#resolve().durable(id);
  }

  all(): T[] {
    return this.#resolve().all();
  }

  find(predicate: (doc: T) => boolean): T | undefined {
    return this.#resolve().find(predicate);
  }

  filter(predicate: (doc: T) => boolean): T[] {
    return this.#resolve().filter(predicate);
  }

  put(doc: T): T {
    return this.#resolve().put(doc);
  }

  update(id: string, change: Partial<T> | ((doc: T) => T)): T | undefined {
    return this.#resolve().update(id, change);
  }

  edit(id: string, change: (doc: T) => void): T | undefined {
    return this.#resolve().edit(id, change);
  }

  delete(id: string): boolean {
    return this.#resolve().delete(id);
  }
}
