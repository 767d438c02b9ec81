import type { Collection, Store } from "@canopy/store";

/** Where older versions kept the whole manifest: one partition, `state/content.json`. */
export const LEGACY_MANIFEST_COLLECTION = "content";

/**
 * Entries per segment: about a batch's worth (the hub sends 500 items a batch), so the flush
 * after a batch rewrites one to three segments whatever the agent holds.
 */
export const MANIFEST_SEGMENT_ENTRIES = 512;

const SEGMENT_NAME = /^content\.(\d+)$/;
const segmentName = (n: number): string => `${LEGACY_MANIFEST_COLLECTION}.${n}`;

/** Documents kept here need only an id; the manifest's shape is checked by its readers (manifest.ts). */
type Entry = { id: string };

/**
 * The agent's manifest on the store, split into segments `content.<n>` of at most
 * MANIFEST_SEGMENT_ENTRIES entries. A store partition is written whole, so one partition made
 * every flush rewrite everything the agent held: applying 3,754 rules in batches wrote the
 * growing file once per flush (O(n²) bytes). An entry stays in the segment it first went to; a
 * new one goes to the last segment, or a new one when that is full. The hub sends items in the
 * order they were first desired, so a batch touches one to three segments.
 *
 * What an older version wrote (`content`, one partition) is read as it is, and carried into
 * segments by `carryLegacy` (the agent does it at start; the carried entries and the emptied old
 * partition are written by the same atomic write). Until then, a put or delete of an entry still
 * in the old partition moves it (or takes it) out of there.
 */
export class ManifestSegments<T extends Entry> {
  readonly #store: Store;
  readonly #legacy: Collection<T>;
  #segments: Collection<T>[] | undefined;
  #segmentOf: Map<string, number> | undefined;

  constructor(store: Store) {
    this.#store = store;
    this.#legacy = store.collection<T>(LEGACY_MANIFEST_COLLECTION);
    // A failed write took documents back (an id may be in a segment the index no longer says): index again.
    store.onRollback(({ collections }) => {
      if (collections.some((name) => name === LEGACY_MANIFEST_COLLECTION || SEGMENT_NAME.test(name))) this.#segments = this.#segmentOf = undefined;
    });
  }

  get size(): number {
    return this.#index().size + this.#legacy.size;
  }

  get(id: string): T | undefined {
    const at = this.#index().get(id);
    return at === undefined ? this.#legacy.get(id) : this.#open()[at]!.get(id);
  }

  /** Every entry: the old partition's first, then the segments in order. */
  all(): T[] {
    return [...this.#legacy.all(), ...this.#open().flatMap((segment) => segment.all())];
  }

  filter(predicate: (doc: T) => boolean): T[] {
    return [...this.#legacy.filter(predicate), ...this.#open().flatMap((segment) => segment.filter(predicate))];
  }

  put(doc: T): T {
    const index = this.#index();
    const segments = this.#open();
    let at = index.get(doc.id);
    if (at === undefined) {
      this.#legacy.delete(doc.id);
      at = segments.length - 1;
      if (at < 0 || segments[at]!.size >= MANIFEST_SEGMENT_ENTRIES) {
        at = segments.length;
        segments.push(this.#store.collection<T>(segmentName(at)));
      }
      index.set(doc.id, at);
    }
    return segments[at]!.put(doc);
  }

  update(id: string, change: Partial<T>): T | undefined {
    const doc = this.get(id);
    return doc ? this.put({ ...doc, ...change }) : undefined;
  }

  delete(id: string): boolean {
    const index = this.#index();
    const at = index.get(id);
    if (at === undefined) return this.#legacy.delete(id);
    index.delete(id);
    return this.#open()[at]!.delete(id);
  }

  /** Moves what the old single partition holds into segments; returns how many entries moved. */
  carryLegacy(): number {
    const carried = this.#legacy.all();
    for (const doc of carried) this.put(doc);
    return carried.length;
  }

  #open(): Collection<T>[] {
    if (this.#segments) return this.#segments;
    let count = 0;
    for (const name of this.#store.collectionNames(`${LEGACY_MANIFEST_COLLECTION}.`)) {
      const match = SEGMENT_NAME.exec(name);
      if (match) count = Math.max(count, Number(match[1]) + 1);
    }
    this.#segments = Array.from({ length: count }, (_, n) => this.#store.collection<T>(segmentName(n)));
    return this.#segments;
  }

  #index(): Map<string, number> {
    if (this.#segmentOf) return this.#segmentOf;
    const index = new Map<string, number>();
    this.#open().forEach((segment, n) => {
      for (const doc of segment.all()) index.set(doc.id, n);
    });
    this.#segmentOf = index;
    return index;
  }
}
