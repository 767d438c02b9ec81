import { canonicalHash, type ContentBodyByKind, type ContentKind, validateContent } from "@canopy/content";
import { newId } from "../core/ids.js";
import { problems } from "../core/problem-error.js";
import { revisionId, type ContentItemRecord, type ContentRevisionRecord } from "./content-records.js";

/** The body as @canopy/content normalizes it, and its name; 422 with the validator's paths. */
export function validated<K extends ContentKind>(kind: K, body: unknown): { value: ContentBodyByKind[K]; name: string } {
  const result = validateContent(kind, body);
  if (!result.ok) throw problems.invalid(result.issues);
  return { value: result.value, name: result.name };
}

/** A new item at revision 1. */
export function newItem<K extends ContentKind>(kind: K, body: ContentBodyByKind[K], name: string, actor: string, at: string): ContentItemRecord<K> {
  return { id: newId("cnt"), kind, name, revision: 1, hash: canonicalHash(body), body, createdAt: at, updatedAt: at, createdBy: actor, updatedBy: actor };
}

/** The item's next revision, or undefined when the body's canonical hash is the current one. */
export function replaced<K extends ContentKind>(current: ContentItemRecord<K>, body: ContentBodyByKind[K], name: string, actor: string, at: string): ContentItemRecord<K> | undefined {
  const hash = canonicalHash(body);
  if (hash === current.hash) return undefined;
  return { ...current, name, revision: current.revision + 1, hash, body, updatedAt: at, updatedBy: actor };
}

export function revisionOf<K extends ContentKind>(item: ContentItemRecord<K>): ContentRevisionRecord<K> {
  return {
    id: revisionId(item.id, item.revision),
    itemId: item.id,
    kind: item.kind,
    name: item.name,
    revision: item.revision,
    hash: item.hash,
    body: item.body,
    savedAt: item.updatedAt,
    savedBy: item.updatedBy,
  };
}
