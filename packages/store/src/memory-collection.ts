import type { Collection, Doc } from "./store.js";

/**
 * The in-memory body shared by both stores: a Map by id that tells its owner about every
 * change (the lowdb store uses that to mark the partition dirty).
 */
export class MemoryCollection<T extends Doc> implements Collection<T> {
  readonly name: string;
  readonly #docs: Map<string, T>;
  readonly #onChange: () => void;

  constructor(name: string, docs: Iterable<T>, onChange: () => void) {
    this.name = name;
    this.#docs = new Map(Array.from(docs, (d) => [d.id, d] as const));
    this.#onChange = onChange;
  }

  get size(): number {
    return this.#docs.size;
  }

  get(id: string): T | undefined {
    return this.#docs.get(id);
  }

  all(): T[] {
    return Array.from(this.#docs.values());
  }

  find(predicate: (doc: T) => boolean): T | undefined {
    for (const doc of this.#docs.values()) if (predicate(doc)) return doc;
    return undefined;
  }

  filter(predicate: (doc: T) => boolean): T[] {
    return this.all().filter(predicate);
  }

  put(doc: T): T {
    this.#docs.set(doc.id, doc);
    this.#onChange();
    return doc;
  }

  update(id: string, change: Partial<T> | ((doc: T) => T)): T | undefined {
    const current = this.#docs.get(id);
    if (!current) return undefined;
    const next = typeof change === "function" ? change(current) : { ...current, ...change, id };
    this.#docs.set(id, next);
    this.#onChange();
    return next;
  }

  delete(id: string): boolean {
    const existed = this.#docs.delete(id);
    if (existed) this.#onChange();
    return existed;
  }

  /** Snapshot for serialisation. */
  toJSON(): Record<string, T> {
    return Object.fromEntries(this.#docs);
  }
}
