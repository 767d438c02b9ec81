import type { ContentKind } from "@canopy/content";
import type { ContentListQuery } from "./content-list.js";
import type { ContentItemRecord, ContentRevisionRecord } from "./content-records.js";

export type { ContentListQuery } from "./content-list.js";

/** A revision named by what a desired entry holds: the item, its kind and the revision number. */
export interface RevisionRef {
  kind: ContentKind;
  itemId: string;
  revision: number;
}

/** An item named by its kind and name (ignoring case). */
export interface ContentName {
  kind: ContentKind;
  name: string;
}

/**
 * The content catalogue's storage: items per kind (names unique per kind, ignoring case) and
 * every saved revision, kept after its item is deleted. Implemented on the embedded store
 * (`embedded-content.ts`) and on PostgreSQL (`postgres/postgres-content.ts`); the rules of a
 * save (validation, revisions, hashes) are in `catalogue.ts`, over this interface.
 */
export interface ContentRepository {
  get<K extends ContentKind>(kind: K, id: string): Promise<ContentItemRecord<K> | undefined>;
  /** As `get`, locking the item until the unit of work ends (PostgreSQL), so concurrent saves of one item take turns. */
  getForUpdate<K extends ContentKind>(kind: K, id: string): Promise<ContentItemRecord<K> | undefined>;
  /** The item with this name, ignoring case. */
  getByName<K extends ContentKind>(kind: K, name: string): Promise<ContentItemRecord<K> | undefined>;
  /**
   * The items with these names, each locked as by `getForUpdate`, in the order given: units that
   * lock in one order never wait on each other in a cycle. Names no item holds are left out.
   */
  getByNamesForUpdate(names: readonly ContentName[]): Promise<ContentItemRecord[]>;
  /** One page of the kind sorted by (lower-cased name, id) in code-point order; `nextCursor` continues it. */
  page<K extends ContentKind>(kind: K, query: ContentListQuery): Promise<{ items: ContentItemRecord<K>[]; nextCursor: string | null }>;
  /** Every item of the kind, in no particular order (library folders expand over it). */
  all<K extends ContentKind>(kind: K): Promise<ContentItemRecord<K>[]>;
  /** Revision `n` of an item, also after the item was deleted. */
  revision<K extends ContentKind>(kind: K, itemId: string, n: number): Promise<ContentRevisionRecord<K> | undefined>;
  /** Several revisions at once (what a delivery needs); those that do not exist are left out. */
  revisionsOf(refs: readonly RevisionRef[]): Promise<ContentRevisionRecord[]>;
  /** Every revision of an item from `latest` down to 1, newest first. */
  history<K extends ContentKind>(kind: K, itemId: string, latest: number): Promise<ContentRevisionRecord<K>[]>;
  /** A new item; 409 `content_name_taken` when the name is taken. */
  insert(item: ContentItemRecord): Promise<void>;
  /** An item's new state (a rename included); 409 `content_name_taken` when the new name is taken. */
  update(item: ContentItemRecord): Promise<void>;
  addRevision(revision: ContentRevisionRecord): Promise<void>;
  /**
   * New items, in the order given (a few statements, not one per item). An item whose name is
   * taken, by an item or by one before it here, is not inserted but returned.
   */
  insertMany(items: readonly ContentItemRecord[]): Promise<ContentItemRecord[]>;
  /**
   * Items' new states, as `update` each. 404 for a missing item and 409 for a name another item
   * holds end the unit of work: on PostgreSQL part of the batch may be written until it rolls back.
   */
  updateMany(items: readonly ContentItemRecord[]): Promise<void>;
  addRevisions(revisions: readonly ContentRevisionRecord[]): Promise<void>;
  /** False when there was no such item. Its revisions stay. */
  delete(kind: ContentKind, id: string): Promise<boolean>;
}

export const contentNameTaken = (kind: ContentKind, name: string) => ({
  code: "content_name_taken",
  detail: `a ${kind} named ${JSON.stringify(name)} already exists`,
});

/** The key names are unique by within a kind. */
export const contentNameKey = (name: string): string => name.toLowerCase();
