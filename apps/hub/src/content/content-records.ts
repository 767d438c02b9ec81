import type { ContentBodyByKind, ContentKind } from "@canopy/content";

/**
 * One content item as the hub keeps it, in the collection `content.<kind>`. The name is the
 * kind's own (playbook name, field name, rule title, library path) and unique per kind, ignoring
 * case; `hash` is `canonicalHash(body)`; `revision` counts the saves that changed the body.
 */
export interface ContentItemRecord<K extends ContentKind = ContentKind> {
  /** `cnt_…` */
  id: string;
  kind: K;
  name: string;
  revision: number;
  hash: string;
  body: ContentBodyByKind[K];
  createdAt: string;
  updatedAt: string;
  /** Actors as the audit log names them (email, `api-key:<name>`, `system`). */
  createdBy: string;
  updatedBy: string;
}

/**
 * Every saved revision of an item, in `content-revisions.<kind>`, id `<itemId>:<revision>`.
 * Kept after the item is deleted, so deliveries and rollbacks already decided can still find
 * the body they refer to.
 */
export interface ContentRevisionRecord<K extends ContentKind = ContentKind> {
  id: string;
  itemId: string;
  kind: K;
  /** The item's name in this revision (a save may rename it). */
  name: string;
  revision: number;
  hash: string;
  body: ContentBodyByKind[K];
  savedAt: string;
  savedBy: string;
}

export const contentCollection = (kind: ContentKind): string => `content.${kind}`;
export const revisionCollection = (kind: ContentKind): string => `content-revisions.${kind}`;
export const revisionId = (itemId: string, revision: number): string => `${itemId}:${revision}`;
