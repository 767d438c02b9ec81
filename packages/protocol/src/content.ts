import { z } from "zod";
import { RequestId } from "./ids.js";

/** The five kinds of content a hub pushes (DESIGN.md "Content model"). */
export const CONTENT_KINDS = ["playbook", "custom-field", "siem-rule", "tuning-expression", "library"] as const;
export const ContentKind = z.enum(CONTENT_KINDS);
export type ContentKind = z.infer<typeof ContentKind>;

/** Canonical content hash: `sha256:` and 64 hex digits (see @canopy/content `canonicalHash`). */
export const ContentHash = z.string().regex(/^sha256:[0-9a-f]{64}$/, "not a content hash");

/** A content item's identity on a tenant: names are unique per kind. */
export const ContentRef = z.object({
  kind: ContentKind,
  name: z.string().min(1).max(512),
});
export type ContentRef = z.infer<typeof ContentRef>;

/** An item the agent holds, as reported in manifests and the Connect view. */
export const HeldItem = ContentRef.extend({
  revision: z.number().int().nonnegative(),
  hash: ContentHash,
});
export type HeldItem = z.infer<typeof HeldItem>;

/** One entry of the agent's manifest: what it applied, and whether it still holds it untouched. */
export const ManifestEntry = HeldItem.extend({
  /** The push that last applied it (acks for a replayed batch of the same push say `applied`). */
  pushId: z.string().max(64).nullable(),
  /** Set when the item was changed on the tenant after it was applied. */
  drifted: z.boolean(),
});
export type ManifestEntry = z.infer<typeof ManifestEntry>;

/**
 * An item to apply. `body` is the kind's document, already transformed for the push's options.
 * With `remove`, the item left the tenant's desired state (deleted from the catalogue, renamed):
 * the agent deletes whatever it holds under this kind and name (`body` is null; `revision` and
 * `hash` are those of the value withdrawn, echoed in the ack) and acks `applied` when it removed
 * something, `unchanged` when it held nothing by that name. The hub sends removals only to agents
 * that list `CONTENT_REMOVE_CAPABILITY` in their hello.
 */
export const ApplyItem = HeldItem.extend({
  body: z.unknown(),
  /** Items this one is attached to: if one of them fails in this batch, this one is skipped. */
  dependsOn: z.array(ContentRef).max(1000).default([]),
  remove: z.literal(true).optional(),
});
export type ApplyItem = z.infer<typeof ApplyItem>;

export const APPLY_STATUSES = ["applied", "unchanged", "failed", "skipped"] as const;
export const ApplyStatus = z.enum(APPLY_STATUSES);
export type ApplyStatus = z.infer<typeof ApplyStatus>;

export const ApplyResult = HeldItem.extend({
  status: ApplyStatus,
  /** The adapter's message for `failed`, or why an item was `skipped`. */
  error: z.string().max(2048).optional(),
});
export type ApplyResult = z.infer<typeof ApplyResult>;

/** hub → agent: apply these items (replace by name, create if missing), then `content.ack`. */
export const ContentApply = z.object({
  type: z.literal("content.apply"),
  batchId: RequestId,
  pushId: z.string().max(64).nullable(),
  items: z.array(ApplyItem).min(1).max(5000),
});

/** agent → hub: one result per item of the batch, in any order. */
export const ContentAck = z.object({
  type: z.literal("content.ack"),
  batchId: RequestId,
  results: z.array(ApplyResult).max(5000),
});

/** The hello capability of an agent that understands `remove` items in `content.apply`. */
export const CONTENT_REMOVE_CAPABILITY = "content.remove";

/** Most items a manifest holds in all its parts together; the hub refuses a longer one. */
export const MAX_MANIFEST_ITEMS = 100_000;

/**
 * Entries per `content.manifest` part. An entry is at most ~700 bytes encoded (a 512-character
 * name, its hash and push id), so a part stays near 1.4 MiB, well under the hub's 4 MiB frame
 * limit; a single frame of 100,000 entries was 20 MiB and broke it above ~15,000.
 */
export const MANIFEST_ITEMS_PER_PART = 2000;

/**
 * agent → hub, after every `welcome`: everything the agent holds (the reported state), in parts
 * numbered from 0, the last one `final`. The hub replaces its reported state, and starts
 * delivering, only once the final part arrived; parts of a connection that drops before it are
 * dropped, leaving the state reported before. Without `part`/`final` (agents of earlier
 * versions), a manifest is one frame.
 */
export const ContentManifest = z.object({
  type: z.literal("content.manifest"),
  items: z.array(ManifestEntry).max(MAX_MANIFEST_ITEMS),
  /** Absent: 0. */
  part: z.number().int().nonnegative().max(MAX_MANIFEST_ITEMS).optional(),
  /** Absent: true (the manifest is this one frame). */
  final: z.boolean().optional(),
});

/** agent → hub: items changed on the tenant after they were applied. */
export const ContentDrift = z.object({
  type: z.literal("content.drift"),
  items: z
    .array(HeldItem.extend({ localHash: z.string().max(128).nullable() }))
    .min(1)
    .max(100_000),
});
