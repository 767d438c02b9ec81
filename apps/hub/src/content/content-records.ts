import { ContentKind, type ContentBodyByKind } from "@canopy/content";
import { z } from "zod";

/** The kind's document, validated by @canopy/content when it was saved (not again on every start). */
const storedBody = z.record(z.string(), z.unknown());

/** A record's schema types `kind` and `body` loosely; the record type ties the body to its kind. */
type OfKind<Record extends { kind: unknown; body: unknown }, K extends ContentKind> = Omit<Record, "kind" | "body"> & { kind: K; body: ContentBodyByKind[K] };

/**
 * One content item as the hub keeps it, in the collection `content.<kind>`. The name is the
 * kind's own (playbook name, field name, rule title, library path) and unique per kind, ignoring
 * case; `hash` is `canonicalHash(body)`; `revision` counts the saves that changed the body.
 */
export const ContentItemRecord = z.object({
  /** `cnt_…` */
  id: z.string(),
  kind: ContentKind,
  name: z.string(),
  revision: z.number().int().positive(),
  hash: z.string(),
  body: storedBody,
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Actors as the audit log names them (email, `api-key:<name>`, `system`). */
  createdBy: z.string(),
  updatedBy: z.string(),
});
export type ContentItemRecord<K extends ContentKind = ContentKind> = OfKind<z.infer<typeof ContentItemRecord>, K>;

/**
 * Every saved revision of an item, in `content-revisions.<kind>`, id `<itemId>:<revision>`.
 * Kept after the item is deleted, so deliveries and rollbacks already decided can still find
 * the body they refer to.
 */
export const ContentRevisionRecord = z.object({
  id: z.string(),
  itemId: z.string(),
  kind: ContentKind,
  /** The item's name in this revision (a save may rename it). */
  name: z.string(),
  revision: z.number().int().positive(),
  hash: z.string(),
  body: storedBody,
  savedAt: z.string(),
  savedBy: z.string(),
});
export type ContentRevisionRecord<K extends ContentKind = ContentKind> = OfKind<z.infer<typeof ContentRevisionRecord>, K>;

export const contentCollection = (kind: ContentKind): string => `content.${kind}`;
export const revisionCollection = (kind: ContentKind): string => `content-revisions.${kind}`;
export const revisionId = (itemId: string, revision: number): string => `${itemId}:${revision}`;
