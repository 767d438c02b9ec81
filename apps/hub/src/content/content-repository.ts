import { canonicalHash, type ContentBodyByKind, type ContentKind, validateContent } from "@canopy/content";
import type { Collection, Store } from "@canopy/store";
import { isoAt, type Clock } from "../core/clock.js";
import { newId } from "../core/ids.js";
import { problems } from "../core/problem-error.js";
import { matchesListQuery, pageByName, type ContentListQuery } from "./content-list.js";
import {
  contentCollection,
  revisionCollection,
  revisionId,
  type ContentItemRecord,
  type ContentRevisionRecord,
} from "./content-records.js";

export type { ContentListQuery } from "./content-list.js";

/** What a save did: `unchanged` when the body's canonical hash equals the current one. */
export type SaveOutcome = "created" | "updated" | "unchanged";

export interface SaveResult<K extends ContentKind = ContentKind> {
  item: ContentItemRecord<K>;
  outcome: SaveOutcome;
}

const nameKey = (name: string): string => name.toLowerCase();

/**
 * The content catalogue: items per kind with every revision. Validation is @canopy/content's;
 * names are unique per kind ignoring case (an agent's file system may ignore it too).
 *
 * Writes are in memory (the store's contract); callers flush once per request, so an import of
 * thousands of items costs one write per partition. Errors are ProblemErrors: 404 `not_found`,
 * 409 `content_name_taken`, 422 `invalid_request` with the validator's `errors: [{path, message}]`.
 */
export class ContentRepository {
  readonly #store: Store;
  readonly #clock: Clock;
  /** Per kind: lower-cased name → item id. Built on first use; this class is the only writer. */
  readonly #names = new Map<ContentKind, Map<string, string>>();

  constructor(store: Store, clock: Clock) {
    this.#store = store;
    this.#clock = clock;
    // A failed write took items back: their kind's name index is rebuilt on next use.
    store.onRollback(({ collections }) => {
      for (const name of collections) if (name.startsWith("content.")) this.#names.delete(name.slice("content.".length) as ContentKind);
    });
  }

  /** Validates and stores a new item (revision 1). 409 if the name is taken, 422 if invalid. */
  create<K extends ContentKind>(kind: K, body: unknown, actor: string): ContentItemRecord<K> {
    const { value, name } = this.#validate(kind, body);
    this.#assertNameFree(kind, name);
    return this.#insert(kind, value, name, actor);
  }

  /**
   * Replaces an item's body. A body whose canonical hash equals the current one changes nothing
   * (same revision, no new revision record); otherwise the revision goes up by one.
   */
  update<K extends ContentKind>(kind: K, id: string, body: unknown, actor: string): ContentItemRecord<K> {
    const current = this.#require(kind, id);
    const { value, name } = this.#validate(kind, body);
    this.#assertNameFree(kind, name, id);
    return this.#replace(current, value, name, actor).item;
  }

  /** Creates the item, or replaces the one with the same name (how imports work). */
  upsert<K extends ContentKind>(kind: K, body: unknown, actor: string): SaveResult<K> {
    const { value, name } = this.#validate(kind, body);
    const existing = this.getByName(kind, name);
    if (!existing) return { item: this.#insert(kind, value, name, actor), outcome: "created" };
    return this.#replace(existing, value, name, actor);
  }

  /** Deletes the item (404 if missing); its revisions stay for deliveries already decided. */
  remove<K extends ContentKind>(kind: K, id: string, _actor: string): ContentItemRecord<K> {
    const item = this.#require(kind, id);
    this.#items(kind).delete(id);
    this.#nameIndex(kind).delete(nameKey(item.name));
    return item;
  }

  get<K extends ContentKind>(kind: K, id: string): ContentItemRecord<K> | undefined {
    return this.#items(kind).get(id);
  }

  /** 404 `not_found` when missing. */
  require<K extends ContentKind>(kind: K, id: string): ContentItemRecord<K> {
    return this.#require(kind, id);
  }

  /** The item with this name (ignoring case), if any. */
  getByName<K extends ContentKind>(kind: K, name: string): ContentItemRecord<K> | undefined {
    const id = this.#nameIndex(kind).get(nameKey(name));
    return id === undefined ? undefined : this.#items(kind).get(id);
  }

  /** One page, sorted by name (case-insensitive) then id. */
  list<K extends ContentKind>(kind: K, query: ContentListQuery): { items: ContentItemRecord<K>[]; nextCursor: string | null } {
    return pageByName(
      this.#items(kind).filter((item) => matchesListQuery(item, query)),
      query,
    );
  }

  /** Every item of the kind, in no particular order. */
  all<K extends ContentKind>(kind: K): ContentItemRecord<K>[] {
    return this.#items(kind).all();
  }

  /** Every revision of an existing item, newest first (404 when the item does not exist). */
  revisions<K extends ContentKind>(kind: K, id: string): ContentRevisionRecord<K>[] {
    const item = this.#require(kind, id);
    const revisions = this.#revisions(kind);
    const found: ContentRevisionRecord<K>[] = [];
    for (let n = item.revision; n >= 1; n--) {
      const revision = revisions.get(revisionId(id, n));
      if (revision) found.push(revision);
    }
    return found;
  }

  /** Revision `n` of an item, also after the item was deleted. */
  revision<K extends ContentKind>(kind: K, id: string, n: number): ContentRevisionRecord<K> | undefined {
    return this.#revisions(kind).get(revisionId(id, n));
  }

  #validate<K extends ContentKind>(kind: K, body: unknown): { value: ContentBodyByKind[K]; name: string } {
    const result = validateContent(kind, body);
    if (!result.ok) throw problems.invalid(result.issues);
    return { value: result.value, name: result.name };
  }

  #assertNameFree(kind: ContentKind, name: string, ownId?: string): void {
    const holder = this.#nameIndex(kind).get(nameKey(name));
    if (holder !== undefined && holder !== ownId) {
      throw problems.conflict("content_name_taken", `a ${kind} named ${JSON.stringify(name)} already exists`);
    }
  }

  #insert<K extends ContentKind>(kind: K, body: ContentBodyByKind[K], name: string, actor: string): ContentItemRecord<K> {
    const at = isoAt(this.#clock());
    const item: ContentItemRecord<K> = {
      id: newId("cnt"),
      kind,
      name,
      revision: 1,
      hash: canonicalHash(body),
      body,
      createdAt: at,
      updatedAt: at,
      createdBy: actor,
      updatedBy: actor,
    };
    this.#items(kind).put(item);
    this.#nameIndex(kind).set(nameKey(name), item.id);
    this.#saveRevision(item);
    return item;
  }

  #replace<K extends ContentKind>(current: ContentItemRecord<K>, body: ContentBodyByKind[K], name: string, actor: string): SaveResult<K> {
    const hash = canonicalHash(body);
    if (hash === current.hash) return { item: current, outcome: "unchanged" };
    const item: ContentItemRecord<K> = {
      ...current,
      name,
      revision: current.revision + 1,
      hash,
      body,
      updatedAt: isoAt(this.#clock()),
      updatedBy: actor,
    };
    this.#items(current.kind).put(item);
    const names = this.#nameIndex(current.kind);
    names.delete(nameKey(current.name));
    names.set(nameKey(name), item.id);
    this.#saveRevision(item);
    return { item, outcome: "updated" };
  }

  #saveRevision<K extends ContentKind>(item: ContentItemRecord<K>): void {
    this.#revisions(item.kind).put({
      id: revisionId(item.id, item.revision),
      itemId: item.id,
      kind: item.kind,
      name: item.name,
      revision: item.revision,
      hash: item.hash,
      body: item.body,
      savedAt: item.updatedAt,
      savedBy: item.updatedBy,
    });
  }

  #require<K extends ContentKind>(kind: K, id: string): ContentItemRecord<K> {
    const item = this.get(kind, id);
    if (!item) throw problems.notFound(`${kind} ${id}`);
    return item;
  }

  #items<K extends ContentKind>(kind: K): Collection<ContentItemRecord<K>> {
    return this.#store.collection<ContentItemRecord<K>>(contentCollection(kind));
  }

  #revisions<K extends ContentKind>(kind: K): Collection<ContentRevisionRecord<K>> {
    return this.#store.collection<ContentRevisionRecord<K>>(revisionCollection(kind));
  }

  #nameIndex(kind: ContentKind): Map<string, string> {
    let names = this.#names.get(kind);
    if (!names) {
      names = new Map(this.#items(kind).all().map((item) => [nameKey(item.name), item.id] as const));
      this.#names.set(kind, names);
    }
    return names;
  }
}
