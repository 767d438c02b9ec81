import type { Doc } from "./store.js";

/**
 * What a partition held before the changes that are not durable yet: per document id, its
 * value after the last good write (undefined: it did not exist). Two generations: the changes a
 * write in progress carries (`writing`), and those made since it began (`pending`). A good write
 * drops `writing`; a failed one puts both back, newest first, so the partition returns to what
 * is on disk.
 */
export class UndoJournal<T extends Doc> {
  #pending: Map<string, T | undefined> | undefined;
  #writing: Map<string, T | undefined> | undefined;

  /** Changed since the last write began (or marked to be written again). */
  get dirty(): boolean {
    return this.#pending !== undefined;
  }

  /**
   * Before a document changes: keeps its current value, once per generation. `copy` when the
   * caller changes the document in place (the kept value must not change with it).
   */
  record(id: string, current: T | undefined, copy: boolean): void {
    const pending = (this.#pending ??= new Map());
    if (pending.has(id)) return;
    pending.set(id, copy && current !== undefined ? structuredClone(current) : current);
  }

  /**
   * The document as the last good write left it: the value kept for the write under way if it
   * carries a change of it, else the value kept for the next write, else `current` (unchanged
   * since). Reads that show something as done use this, so a crash cannot take back what they
   * showed.
   */
  durableValue(id: string, current: T | undefined): T | undefined {
    const writing = this.#writing;
    if (writing?.has(id)) return writing.get(id);
    const pending = this.#pending;
    if (pending?.has(id)) return pending.get(id);
    return current;
  }

  /** Nothing changed since the last good write: memory holds what the disk holds. */
  get settled(): boolean {
    return this.#pending === undefined && this.#writing === undefined;
  }

  /** A write takes the current content: what changes from now on belongs to the next one. */
  seal(): void {
    if (this.#writing) throw new Error("a partition was sealed twice for one write");
    this.#writing = this.#pending ?? new Map();
    this.#pending = undefined;
  }

  /** The ids the sealed write carries (changed since the write before it). */
  sealedIds(): Iterable<string> {
    return this.#writing?.keys() ?? [];
  }

  /** Changed since the write under way began (so not carried by it). */
  isPending(id: string): boolean {
    return this.#pending?.has(id) ?? false;
  }

  /** The sealed content is on disk. */
  durable(): void {
    this.#writing = undefined;
  }

  /** The disk may not hold what memory holds (a write went halfway): write it again next time. */
  rewrite(): void {
    this.#pending ??= new Map();
  }

  /** Puts every document changed since the last good write back; true when anything changed. */
  undo(docs: Map<string, T>): boolean {
    let changed = false;
    for (const generation of [this.#pending, this.#writing]) {
      if (!generation) continue;
      for (const [id, prior] of generation) {
        if (prior === undefined) docs.delete(id);
        else docs.set(id, prior);
        changed = true;
      }
    }
    this.#pending = undefined;
    this.#writing = undefined;
    return changed;
  }
}
