import type { ContentKind } from "@canopy/content";
import type { Collection, Store } from "@canopy/store";
import { KeyLocks, UnitLocks } from "../core/key-locks.js";
import { problems } from "../core/problem-error.js";
import { matchesListQuery, pageByName } from "./content-list.js";
import { contentNameKey, contentNameTaken, type ContentName, type ContentRepository } from "./content-repository.js";
import { contentCollection, revisionCollection, revisionId, type ContentItemRecord, type ContentRevisionRecord } from "./content-records.js";

const nameTaken = (item: ContentItemRecord) => {
  const taken = contentNameTaken(item.kind, item.name);
  return problems.conflict(taken.code, taken.detail);
};

/** What every unit's view of the catalogue shares. */
interface Shared {
  /** Per kind: lower-cased name → item id. */
  names: Map<ContentKind, Map<string, string>>;
  locks: KeyLocks;
}

/**
 * The catalogue on the embedded store: `content.<kind>` and `content-revisions.<kind>`, with a
 * name index per kind (built on first use, rebuilt after a failed write took items back).
 * Changes are in memory until the unit of work's flush. A unit's view (`forUnit`) locks an item
 * it reads `getForUpdate` until the unit ends, as PostgreSQL does: two saves of one item take
 * turns, so each makes its own revision.
 */
export class EmbeddedContent implements ContentRepository {
  readonly #store: Store;
  readonly #shared: Shared;
  readonly #unit: UnitLocks | undefined;

  constructor(store: Store, shared?: Shared, unit?: UnitLocks) {
    this.#store = store;
    this.#unit = unit;
    if (shared) {
      this.#shared = shared;
      return;
    }
    const names = new Map<ContentKind, Map<string, string>>();
    this.#shared = { names, locks: new KeyLocks() };
    store.onRollback(({ collections }) => {
      for (const name of collections) if (name.startsWith("content.")) names.delete(name.slice("content.".length) as ContentKind);
    });
  }

  /** The repository as one unit of work sees it; `unit.releaseAll()` when the unit ends. */
  forUnit(unit: UnitLocks): EmbeddedContent {
    return new EmbeddedContent(this.#store, this.#shared, unit);
  }

  /** A unit's locks, over the locks every view shares. */
  newUnit(): UnitLocks {
    return new UnitLocks(this.#shared.locks);
  }

  async get<K extends ContentKind>(kind: K, id: string) {
    return this.#items(kind).get(id);
  }

  async getForUpdate<K extends ContentKind>(kind: K, id: string) {
    await this.#unit?.lock(`${kind}:${id}`);
    return this.#items(kind).get(id);
  }

  async getByName<K extends ContentKind>(kind: K, name: string) {
    const id = this.#nameIndex(kind).get(contentNameKey(name));
    return id === undefined ? undefined : this.#items(kind).get(id);
  }

  async getByNamesForUpdate(names: readonly ContentName[]) {
    const found: ContentItemRecord[] = [];
    for (const { kind, name } of names) {
      const key = contentNameKey(name);
      const id = this.#nameIndex(kind).get(key);
      if (id === undefined) continue;
      await this.#unit?.lock(`${kind}:${id}`);
      // Read again once locked: the unit that held the lock may have renamed or deleted it.
      const item = this.#items(kind).get(id);
      if (item && contentNameKey(item.name) === key) found.push(item);
    }
    return found;
  }

  async page<K extends ContentKind>(kind: K, query: Parameters<ContentRepository["page"]>[1]) {
    return pageByName(
      this.#items(kind).filter((item) => matchesListQuery(item, query)),
      query,
    );
  }

  async all<K extends ContentKind>(kind: K) {
    return this.#items(kind).all();
  }

  async revision<K extends ContentKind>(kind: K, itemId: string, n: number) {
    return this.#revisions(kind).get(revisionId(itemId, n));
  }

  async revisionsOf(refs: Parameters<ContentRepository["revisionsOf"]>[0]) {
    return refs.flatMap((ref) => this.#revisions(ref.kind).get(revisionId(ref.itemId, ref.revision)) ?? []);
  }

  async history<K extends ContentKind>(kind: K, itemId: string, latest: number) {
    const found: ContentRevisionRecord<K>[] = [];
    for (let n = latest; n >= 1; n--) {
      const revision = this.#revisions(kind).get(revisionId(itemId, n));
      if (revision) found.push(revision);
    }
    return found;
  }

  async insert(item: ContentItemRecord) {
    this.#claimName(item);
    this.#items(item.kind).put(item);
  }

  async update(item: ContentItemRecord) {
    const current = this.#items(item.kind).get(item.id);
    if (!current) throw problems.notFound(`${item.kind} ${item.id}`);
    this.#claimName(item);
    this.#nameIndex(item.kind).delete(contentNameKey(current.name));
    this.#nameIndex(item.kind).set(contentNameKey(item.name), item.id);
    this.#items(item.kind).put(item);
  }

  async addRevision(revision: ContentRevisionRecord) {
    this.#revisions(revision.kind).put(revision);
  }

  async insertMany(items: readonly ContentItemRecord[]) {
    const taken: ContentItemRecord[] = [];
    for (const item of items) {
      if (this.#otherHolder(item) !== undefined) taken.push(item);
      else await this.insert(item);
    }
    return taken;
  }

  async updateMany(items: readonly ContentItemRecord[]) {
    // Every item checked before any changes: the store keeps what a unit put before it threw.
    for (const item of items) {
      if (!this.#items(item.kind).get(item.id)) throw problems.notFound(`${item.kind} ${item.id}`);
      if (this.#otherHolder(item) !== undefined) throw nameTaken(item);
    }
    for (const item of items) await this.update(item);
  }

  async addRevisions(revisions: readonly ContentRevisionRecord[]) {
    for (const revision of revisions) this.#revisions(revision.kind).put(revision);
  }

  async delete(kind: ContentKind, id: string) {
    const item = this.#items(kind).get(id);
    if (!item) return false;
    this.#items(kind).delete(id);
    this.#nameIndex(kind).delete(contentNameKey(item.name));
    return true;
  }

  /** Takes the item's name in its kind's index; 409 when another item holds it. */
  #claimName(item: ContentItemRecord): void {
    if (this.#otherHolder(item) !== undefined) throw nameTaken(item);
    this.#nameIndex(item.kind).set(contentNameKey(item.name), item.id);
  }

  /** The id of the item holding this item's name in its kind, when that is another item. */
  #otherHolder(item: ContentItemRecord): string | undefined {
    const holder = this.#nameIndex(item.kind).get(contentNameKey(item.name));
    return holder === item.id ? undefined : holder;
  }

  #items<K extends ContentKind>(kind: K): Collection<ContentItemRecord<K>> {
    return this.#store.collection<ContentItemRecord<K>>(contentCollection(kind));
  }

  #revisions<K extends ContentKind>(kind: K): Collection<ContentRevisionRecord<K>> {
    return this.#store.collection<ContentRevisionRecord<K>>(revisionCollection(kind));
  }

  #nameIndex(kind: ContentKind): Map<string, string> {
    let names = this.#shared.names.get(kind);
    if (!names) {
      names = new Map(this.#items(kind).all().map((item) => [contentNameKey(item.name), item.id] as const));
      this.#shared.names.set(kind, names);
    }
    return names;
  }
}
