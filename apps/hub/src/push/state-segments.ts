import type { Collection, Doc, Store } from "@canopy/store";
import { pushCollections, SEGMENT_ENTRIES, tenantStateOf, type TenantStatePart } from "./push-records.js";

/** One tenant's desired or reported state: its segments in order, and which segment holds each key. */
interface Segments<T extends Doc> {
  collections: Collection<T>[];
  segmentOf: Map<string, number>;
}

/**
 * A tenant's desired or reported state on the embedded store, split into segments of at most
 * SEGMENT_ENTRIES documents (see push-records.ts). A store partition is written whole, so one
 * partition per tenant made each acknowledgement rewrite everything the tenant held: the push
 * of 3,754 rules to 100 tenants slowed from ~1,080 to ~580 results a second as they accumulated.
 * Now a key stays in the segment it first went to; a new key goes to the last segment, or a new
 * one when that is full. Keys are delivered and acknowledged in the order they were first
 * desired, so a write touches one or two segments per tenant, whatever the tenant holds.
 *
 * Order: segments in turn, each in its own order, is the order keys were first desired (a key
 * deleted and put again goes to the end, as on one partition).
 *
 * The key → segment map of a tenant is kept only while the hub works on the tenant (from its load
 * or first write until `release`): 10,000 connected tenants would otherwise keep one each for good.
 * Reads for users (`ids`, `durable`) use it when it is there and go through the segments when not,
 * without keeping anything.
 */
export class StateSegments<T extends Doc> {
  readonly #store: Store;
  readonly #part: TenantStatePart;
  readonly #tenants = new Map<string, Segments<T>>();
  /** Tenant → how many segments the store holds, from one scan of the collection names (built on first use). */
  #counts: Map<string, number> | undefined;

  constructor(store: Store, part: TenantStatePart) {
    this.#store = store;
    this.#part = part;
    // A failed write took documents back (a key may be in a segment the map no longer says): read again.
    store.onRollback(({ collections }) => {
      for (const name of collections) {
        const of = tenantStateOf(name);
        if (of?.part === part) this.#tenants.delete(of.tenantId);
      }
    });
  }

  /** The documents in the order their keys were first put. */
  all(tenantId: string): T[] {
    return this.#of(tenantId).collections.flatMap((collection) => collection.all());
  }

  /** The ids of the documents in memory (written or not), in order. */
  ids(tenantId: string): string[] {
    const segments = this.#tenants.get(tenantId);
    if (segments) return Array.from(segments.segmentOf.keys());
    return this.#collections(tenantId).flatMap((collection) => collection.all().map((doc) => doc.id));
  }

  /** The document as the last good write left it (see `Collection.durable`). */
  durable(tenantId: string, id: string): T | undefined {
    const segments = this.#tenants.get(tenantId) ?? { collections: this.#collections(tenantId), segmentOf: undefined };
    const at = segments.segmentOf?.get(id);
    const doc = at === undefined ? undefined : segments.collections[at]!.durable(id);
    if (doc) return doc;
    // Deleted (and maybe put again elsewhere) in memory, not on disk yet: it is in one of the segments.
    for (const collection of segments.collections) {
      const doc = collection.durable(id);
      if (doc) return doc;
    }
    return undefined;
  }

  put(tenantId: string, doc: T): void {
    const segments = this.#of(tenantId);
    let at = segments.segmentOf.get(doc.id);
    if (at === undefined) {
      at = segments.collections.length - 1;
      if (at < 0 || segments.collections[at]!.size >= SEGMENT_ENTRIES) {
        at = segments.collections.length;
        segments.collections.push(this.#collection(tenantId, at));
      }
      segments.segmentOf.set(doc.id, at);
    }
    segments.collections[at]!.put(doc);
  }

  delete(tenantId: string, id: string): void {
    const segments = this.#of(tenantId);
    const at = segments.segmentOf.get(id);
    if (at === undefined) return;
    segments.collections[at]!.delete(id);
    segments.segmentOf.delete(id);
  }

  /** The hub is done with the tenant for now: its key → segment map goes (made again from the segments when needed). */
  release(tenantId: string): void {
    this.#tenants.delete(tenantId);
  }

  /** Tenants whose key → segment map is in memory (for tests). */
  get tenantsInMemory(): number {
    return this.#tenants.size;
  }

  #of(tenantId: string): Segments<T> {
    let segments = this.#tenants.get(tenantId);
    if (segments) return segments;
    segments = { collections: this.#collections(tenantId), segmentOf: new Map() };
    segments.collections.forEach((collection, n) => {
      for (const doc of collection.all()) segments.segmentOf.set(doc.id, n);
    });
    this.#tenants.set(tenantId, segments);
    return segments;
  }

  /** The tenant's segments on the store, in order. */
  #collections(tenantId: string): Collection<T>[] {
    const count = this.#segmentCounts().get(tenantId) ?? 0;
    return Array.from({ length: count }, (_, n) => this.#collection(tenantId, n));
  }

  #collection(tenantId: string, n: number): Collection<T> {
    const collection = this.#store.collection<T>(pushCollections.segment(this.#part, tenantId, n));
    const counts = this.#segmentCounts();
    if ((counts.get(tenantId) ?? 0) <= n) counts.set(tenantId, n + 1);
    return collection;
  }

  #segmentCounts(): Map<string, number> {
    if (this.#counts) return this.#counts;
    const counts = new Map<string, number>();
    for (const name of this.#store.collectionNames(`${this.#part}.`)) {
      const of = tenantStateOf(name);
      if (of?.part === this.#part) counts.set(of.tenantId, Math.max(counts.get(of.tenantId) ?? 0, of.segment + 1));
    }
    this.#counts = counts;
    return counts;
  }
}
