import type { Collection, Doc } from "./store.js";
import { UndoJournal } from "./undo-journal.js";

/**
 * The in-memory body shared by both stores: a Map by id, and the undo journal of the changes
 * not durable yet. Every change is announced to the owner first (it may refuse: a closed store),
 * then journaled, then made.
 */
export class MemoryCollection<T extends Doc> implements Collection<T> {
  readonly name: string;
  readonly journal = new UndoJournal<T>();
  readonly #docs: Map<string, T>;
  readonly #onChange: () => void;
  /** The content a write is serializing (over several turns); `edit` must not change its documents. */
  #snapshot: ReadonlyMap<string, T> | undefined;

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

  durable(id: string): T | undefined {
    return this.journal.durableValue(id, this.#docs.get(id));
  }

  find(predicate: (doc: T) => boolean): T | undefined {
    for (const doc of this.#docs.values()) if (predicate(doc)) return doc;
    return undefined;
  }

  filter(predicate: (doc: T) => boolean): T[] {
    return this.all().filter(predicate);
  }

  put(doc: T): T {
    this.#changing(doc.id, false);
    this.#docs.set(doc.id, doc);
    return doc;
  }

  update(id: string, change: Partial<T> | ((doc: T) => T)): T | undefined {
    const current = this.#docs.get(id);
    if (!current) return undefined;
    this.#changing(id, false);
    const next = typeof change === "function" ? change(current) : { ...current, ...change, id };
    this.#docs.set(id, next);
    return next;
  }

  edit(id: string, change: (doc: T) => void): T | undefined {
    let current = this.#docs.get(id);
    if (!current) return undefined;
    this.#changing(id, true);
    if (this.#snapshot?.get(id) === current) {
      // A write is serializing this very object: change a copy, the write keeps what it took.
      current = structuredClone(current);
      this.#docs.set(id, current);
    }
    change(current);
    return current;
  }

  delete(id: string): boolean {
    if (!this.#docs.has(id)) return false;
    this.#changing(id, false);
    return this.#docs.delete(id);
  }

  /**
   * The documents as they are now, for a write that serializes them over several turns: later
   * changes replace documents in the live map (or copy them first, for `edit`), never these.
   */
  snapshot(): ReadonlyMap<string, T> {
    this.#snapshot = new Map(this.#docs);
    return this.#snapshot;
  }

  /** The write has serialized its snapshot. */
  release(): void {
    this.#snapshot = undefined;
  }

  /**
   * Drops these documents from memory once they are durable (a write-only collection whose reads
   * go to the database): ids changed again since the write stay until their own write.
   */
  forget(ids: Iterable<string>): void {
    for (const id of ids) if (!this.journal.isPending(id)) this.#docs.delete(id);
  }

  /** Back to the last durable state; true when anything changed. */
  rollBack(): boolean {
    return this.journal.undo(this.#docs);
  }

  #changing(id: string, inPlace: boolean): void {
    this.#onChange();
    this.journal.record(id, this.#docs.get(id), inPlace);
  }
}
