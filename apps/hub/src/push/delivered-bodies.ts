import type { Logger } from "pino";
import type { ContentRepository } from "../content/content-repository.js";
import { deliveredItem, type ResolvedItem } from "./push-items.js";
import type { DesiredEntry } from "./push-records.js";

/** What `body` knows of an entry's body now. */
export type BodyLookup = { body: unknown; bytes: number } | "loading" | "missing";

export interface DeliveredBodiesOptions {
  catalogue: Pick<ContentRepository, "revisionsOf">;
  logger: Logger;
  /** JSON bytes of bodies kept in memory; the least recently used go first. Default 64 MiB. */
  maxBytes?: number;
  /** Revisions read per query. Default 500. */
  loadBatch?: number;
  /** Wait before asking again after a read failed. Default 1 s. */
  retryMs?: number;
}

interface Cached {
  body: unknown;
  bytes: number;
}

interface Wanted {
  entry: DesiredEntry;
  waiters: Set<() => void>;
}

/** A body is its item's revision with the push's options applied: the delivered hash names it among the item's revisions. */
const keyOf = (entry: { itemId: string; revision: number; hash: string }): string => `${entry.itemId}:${entry.revision}:${entry.hash}`;

/**
 * The bodies the reconciler sends, with their JSON size (checked against a batch's byte budget
 * for every tenant a body goes to). Delivery is synchronous and per tenant, the catalogue an
 * async repository: a body in memory is answered at once; one that is not is read in the
 * background, many at a time, and whoever asked is woken when it is there (`loading` until then).
 * A push leaves the bodies it resolved here, so its first deliveries need no read at all.
 */
export class DeliveredBodies {
  readonly #options: Required<Omit<DeliveredBodiesOptions, "catalogue" | "logger">>;
  readonly #catalogue: DeliveredBodiesOptions["catalogue"];
  readonly #log: Logger;
  /** In least-recently-used order (a hit moves to the end). */
  readonly #cache = new Map<string, Cached>();
  #bytes = 0;
  /** Bodies to read, and who waits for them. */
  readonly #wanted = new Map<string, Wanted>();
  /** Read and not found: told once to the next asker, who settles the entry. */
  readonly #missing = new Set<string>();
  #loading = false;

  constructor(options: DeliveredBodiesOptions) {
    this.#catalogue = options.catalogue;
    this.#log = options.logger;
    this.#options = { maxBytes: options.maxBytes ?? 64 * 1024 * 1024, loadBatch: options.loadBatch ?? 500, retryMs: options.retryMs ?? 1000 };
  }

  /** The body of a desired entry, or `loading` (then `wake` is called once it is read) or `missing` (the catalogue lacks its revision). */
  body(entry: DesiredEntry, wake: () => void): BodyLookup {
    const key = keyOf(entry);
    const cached = this.#cache.get(key);
    if (cached) {
      this.#cache.delete(key);
      this.#cache.set(key, cached);
      return cached;
    }
    if (this.#missing.delete(key)) return "missing";
    let wanted = this.#wanted.get(key);
    if (!wanted) this.#wanted.set(key, (wanted = { entry, waiters: new Set() }));
    wanted.waiters.add(wake);
    this.#load();
    return "loading";
  }

  /** A body a push resolved (already transformed): deliveries of it need no read. */
  remember(item: ResolvedItem): void {
    this.#keep(keyOf(item), item.body);
  }

  /** Reads are in flight or queued (for tests and shutdown). */
  get busy(): boolean {
    return this.#loading || this.#wanted.size > 0;
  }

  #keep(key: string, body: unknown): void {
    if (this.#cache.has(key)) return;
    const bytes = JSON.stringify(body)?.length ?? 0;
    this.#cache.set(key, { body, bytes });
    this.#bytes += bytes;
    for (const [oldest, cached] of this.#cache) {
      if (this.#bytes <= this.#options.maxBytes || oldest === key) break;
      this.#cache.delete(oldest);
      this.#bytes -= cached.bytes;
    }
  }

  /** Reads what is wanted, a batch at a time, until nothing is; one reader at a time. */
  #load(): void {
    if (this.#loading) return;
    this.#loading = true;
    setImmediate(() => void this.#drain());
  }

  async #drain(): Promise<void> {
    try {
      while (this.#wanted.size > 0) {
        const batch = [...this.#wanted].slice(0, this.#options.loadBatch);
        for (const [key] of batch) this.#wanted.delete(key);
        let revisions;
        try {
          revisions = await this.#catalogue.revisionsOf(batch.map(([, { entry }]) => ({ kind: entry.kind, itemId: entry.itemId, revision: entry.revision })));
        } catch (error) {
          this.#log.warn({ err: error, bodies: batch.length }, "could not read content to deliver; trying again");
          const retry = setTimeout(() => batch.forEach(([, wanted]) => wanted.waiters.forEach((wake) => wake())), this.#options.retryMs);
          retry.unref();
          continue;
        }
        const byRevision = new Map(revisions.map((revision) => [`${revision.itemId}:${revision.revision}`, revision]));
        for (const [key, { entry, waiters }] of batch) {
          const revision = byRevision.get(`${entry.itemId}:${entry.revision}`);
          if (revision) {
            const item = deliveredItem({ kind: entry.kind, itemId: entry.itemId, revision: revision.revision, hash: revision.hash, body: revision.body }, entry.options);
            this.#keep(key, item.body);
          } else this.#missing.add(key);
          for (const wake of waiters) wake();
        }
      }
    } finally {
      this.#loading = false;
    }
  }
}
