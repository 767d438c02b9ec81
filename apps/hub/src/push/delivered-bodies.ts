import { deliveredItem, type Catalogue } from "./push-items.js";
import type { DesiredEntry } from "./push-records.js";

const MAX_CACHED_SIZES = 50_000;

/**
 * The body a desired entry is delivered with, rebuilt from the catalogue (with the push's
 * options applied), and its JSON size, which the reconciler checks against a batch's byte
 * budget for every tenant the body goes to: the size is computed once per body and cached.
 */
export class DeliveredBodies {
  readonly #catalogue: Catalogue;
  readonly #sizes = new Map<string, number>();

  constructor(catalogue: Catalogue) {
    this.#catalogue = catalogue;
  }

  /** Undefined when the catalogue no longer holds the entry's revision. */
  body(entry: DesiredEntry): { body: unknown; bytes: number } | undefined {
    const revision = this.#catalogue.revision(entry.kind, entry.itemId, entry.revision);
    if (!revision) return undefined;
    const item = deliveredItem({ kind: entry.kind, itemId: entry.itemId, revision: revision.revision, hash: revision.hash, body: revision.body }, entry.options);
    // By the body's hash, not the revision number: a failed write can roll a revision back and the next save reuse its number.
    const sizeKey = `${revision.hash}:${entry.options.scheduledSearches}:${entry.options.scheduledReports}`;
    let bytes = this.#sizes.get(sizeKey);
    if (bytes === undefined) {
      bytes = JSON.stringify(item.body)?.length ?? 0;
      if (this.#sizes.size >= MAX_CACHED_SIZES) this.#sizes.clear();
      this.#sizes.set(sizeKey, bytes);
    }
    return { body: item.body, bytes };
  }
}
