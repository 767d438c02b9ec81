import { ContentHash, ContentKind, HeldItem, MANIFEST_ITEMS_PER_PART, type AgentMessage, type ManifestEntry } from "@canopy/protocol";
import type { Store } from "@canopy/store";
import { z } from "zod";
import { LEGACY_MANIFEST_COLLECTION, ManifestSegments } from "./manifest-segments.js";

/**
 * The store collections of what the agent holds: segments `content.<n>`, and `content` as older
 * versions wrote it (carried into segments at start; see manifest-segments.ts).
 */
export const CONTENT_COLLECTION = LEGACY_MANIFEST_COLLECTION;

/**
 * One item the agent holds, in a segment of the manifest (`content.<n>`) under id `kind:name`. This is the
 * reported state: sent as `content.manifest` after every welcome, listed by `content list`, shown
 * in the Connect view. Written (and flushed) before the hub is told an item was applied.
 */
export const ManifestDoc = z.object({
  id: z.string(),
  kind: ContentKind,
  name: z.string().min(1).max(512),
  revision: z.number().int().nonnegative(),
  hash: ContentHash,
  /** The push that last applied it; a replayed batch of the same push is acked `applied` again. */
  pushId: z.string().max(64).nullable().default(null),
  appliedAt: z.string().default(""),
  /** The adapter that applied it; drift is watched for `filesystem` items. */
  adapter: z.enum(["filesystem", "webhook"]).optional(),
  /** filesystem: the file, relative to the content dir; webhook: the URL without its query. */
  location: z.string().optional(),
  /** filesystem: `sha256:` of the bytes written, compared with the file to detect drift. */
  fileHash: z.string().optional(),
  /** Changed (or deleted) on the tenant since it was applied; cleared when a push applies it again. */
  drifted: z.boolean().default(false),
  /** The file's hash when the drift was last seen (null: deleted), so each change is reported once. */
  localHash: z.string().nullable().optional(),
  /** False while a drift found (perhaps while offline) waits to be sent as `content.drift`. */
  driftReported: z.boolean().optional(),
});
export type ManifestDoc = z.infer<typeof ManifestDoc>;

export const contentId = (kind: ContentKind, name: string): string => `${kind}:${name}`;

/** One view per store: it indexes which segment holds each entry, so a look-up is O(1). */
const views = new WeakMap<Store, ManifestSegments<ManifestDoc>>();

/** The manifest's documents: read and written through this view only. */
export function manifestCollection(store: Store): ManifestSegments<ManifestDoc> {
  let view = views.get(store);
  if (!view) views.set(store, (view = new ManifestSegments<ManifestDoc>(store)));
  return view;
}

/** A held item by kind and name, or undefined (also for a document of another shape). */
export function heldEntry(store: Store, kind: ContentKind, name: string): ManifestDoc | undefined {
  const doc = manifestCollection(store).get(contentId(kind, name));
  if (!doc) return undefined;
  const parsed = ManifestDoc.safeParse(doc);
  return parsed.success ? parsed.data : undefined;
}

/** Every held item, sorted by kind and name; documents of another shape are skipped. */
export function readManifest(store: Store): ManifestDoc[] {
  const entries: ManifestDoc[] = [];
  for (const doc of manifestCollection(store).all()) {
    const parsed = ManifestDoc.safeParse(doc);
    if (parsed.success) entries.push(parsed.data);
  }
  return entries.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

/** The protocol's view of a held item (`content.manifest`). */
export function manifestEntry(doc: ManifestDoc): ManifestEntry {
  return { kind: doc.kind, name: doc.name, revision: doc.revision, hash: doc.hash, pushId: doc.pushId, drifted: doc.drifted };
}

/** Applied content as `[{kind, name, revision, hash}]`, skipping documents of another shape. */
export function heldContent(store: Store): HeldItem[] {
  const items: HeldItem[] = [];
  for (const doc of manifestCollection(store).all()) {
    const parsed = HeldItem.safeParse({ kind: doc.kind, name: doc.name, revision: doc.revision, hash: doc.hash });
    if (parsed.success) items.push(parsed.data);
  }
  return items.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

/**
 * The manifest as `content.manifest` frames of at most `perPart` entries, numbered from 0, the
 * last one `final` (one empty final part when nothing is held): a manifest of 100,000 items is
 * 50 frames of ~1.4 MiB at most, not one 20 MiB frame the hub would refuse.
 */
export function manifestParts(items: readonly ManifestEntry[], perPart = MANIFEST_ITEMS_PER_PART): AgentMessage<"content.manifest">[] {
  const parts: AgentMessage<"content.manifest">[] = [];
  for (let at = 0; at === 0 || at < items.length; at += perPart) {
    parts.push({ type: "content.manifest", items: items.slice(at, at + perPart), part: parts.length, final: at + perPart >= items.length });
  }
  return parts;
}
