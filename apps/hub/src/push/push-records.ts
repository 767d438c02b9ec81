import { PushOptionsSchema, PushProgressSchema, PushResultStatusSchema, PushStateSchema, PushTargetsSchema, type PushProgress, type PushState } from "@canopy/api";
import { ContentKind } from "@canopy/content";
import { ContentRef } from "@canopy/protocol";
import { z } from "zod";

/**
 * What the push engine keeps in the store. Everything that grows with items × tenants is
 * partitioned, so a write costs what one tenant or one push holds, never the whole history:
 *
 * - `desired.<tenant>[.<n>]`  one doc per item the tenant should hold (id `kind:name`)
 * - `reported.<tenant>[.<n>]` one doc per item the tenant's agent said it holds (id `kind:name`);
 *                            both in segments of at most SEGMENT_ENTRIES (segment 0 has no
 *                            suffix), filled in the order keys first arrive, so a write rewrites
 *                            the segments its keys are in, not all a tenant has (a write per
 *                            acknowledgement that grew with the tenant's state made a big push
 *                            slow down as its results accumulated)
 * - `pushes`                 one small doc per push (no item lists: they live in the plan)
 * - `push-plan.<push>`       one doc: the push's resolved items and tenants, written once
 * - `push-results.<push>.<n>` one doc per tenant with its results for a chunk of the plan's
 *                            items (RESULT_CHUNK_ITEMS); a push's tenants are spread over up to
 *                            16 shards, and `n` is chunk × shards + shard, so an acknowledgement
 *                            rewrites its tenant's shard of one chunk, not every result of a big
 *                            push (a push from before chunks has one chunk: `n` is the shard)
 *
 * Store names allow only `[a-z0-9._-]`, so ids in partition names are hex-encoded.
 */
export const pushCollections = {
  pushes: "pushes",
  desired: (tenantId: string) => `desired.${hexOf(tenantId)}`,
  reported: (tenantId: string) => `reported.${hexOf(tenantId)}`,
  /** Segment `n` of a tenant's desired or reported state (`n` 0 is the partition without suffix). */
  segment: (part: TenantStatePart, tenantId: string, n: number) => `${part}.${hexOf(tenantId)}${n === 0 ? "" : `.${n}`}`,
  plan: (pushId: string) => `push-plan.${hexOf(pushId)}`,
  results: (pushId: string, shard: number) => `push-results.${hexOf(pushId)}.${shard}`,
};

/** Result shards per push: enough to keep acknowledgements cheap, few enough files per push. */
export const MAX_RESULT_SHARDS = 16;
export const resultShards = (tenantCount: number): number => Math.max(1, Math.min(MAX_RESULT_SHARDS, tenantCount));

/**
 * Items per chunk of a push's results on the embedded store. A partition is written whole, and a
 * document changed in place is copied once per write: with every item of a tenant in one document,
 * each acknowledgement of 3,754 rules copied and rewrote all 3,754 results of its tenant.
 */
export const RESULT_CHUNK_ITEMS = 512;

function hexOf(id: string): string {
  return Buffer.from(id, "utf8").toString("hex");
}

const RESULTS_NAME = /^push-results\.([0-9a-f]+)\.(\d+)$/;
const PLAN_NAME = /^push-plan\.([0-9a-f]+)$/;
const DESIRED_NAME = /^desired\.([0-9a-f]+)(?:\.(\d+))?$/;
const TENANT_STATE_NAME = /^(desired|reported)\.([0-9a-f]+)(?:\.(\d+))?$/;
const idOf = (hex: string): string => Buffer.from(hex, "hex").toString("utf8");

/** The push (and shard) a collection of results or a plan belongs to, from its name; undefined for any other. */
export function pushOfCollection(name: string): { pushId: string; shard: number | null } | undefined {
  const results = RESULTS_NAME.exec(name);
  if (results) return { pushId: idOf(results[1]!), shard: Number(results[2]) };
  const plan = PLAN_NAME.exec(name);
  return plan ? { pushId: idOf(plan[1]!), shard: null } : undefined;
}

/** The two halves of a tenant's state, each stored in segments (`pushCollections.segment`). */
export type TenantStatePart = "desired" | "reported";

/** Entries per segment of a tenant's state: a write of a few keys rewrites a few hundred entries at most. */
export const SEGMENT_ENTRIES = 512;

/** The tenant, half and segment a `desired.*` or `reported.*` collection holds; undefined for any other. */
export function tenantStateOf(name: string): { tenantId: string; part: TenantStatePart; segment: number } | undefined {
  const match = TENANT_STATE_NAME.exec(name);
  return match ? { tenantId: idOf(match[2]!), part: match[1] as TenantStatePart, segment: Number(match[3] ?? 0) } : undefined;
}

/** The tenant a `desired.<tenant>[.<n>]` collection belongs to; undefined for any other. */
export function tenantOfDesired(name: string): string | undefined {
  const desired = DESIRED_NAME.exec(name);
  return desired ? idOf(desired[1]!) : undefined;
}

/** An item's identity on a tenant: `kind:name` (names are unique per kind). */
export type ItemKey = string;
export const itemKey = (kind: ContentKind, name: string): ItemKey => `${kind}:${name}`;

const include = z.enum(["include", "ignore"]);

/** The value a tenant should hold for one item (what a push decided). */
export const DesiredValue = z.object({
  kind: ContentKind,
  name: z.string(),
  /** The catalogue item and revision the body comes from (revisions are kept after deletion). */
  itemId: z.string(),
  revision: z.number().int(),
  /** Hash of the body as delivered (after the push transform). */
  hash: z.string(),
  pushId: z.string(),
  /** The push's transform options, needed to rebuild the body for delivery. */
  options: z.object({ scheduledSearches: include, scheduledReports: include }),
  /** Items of the same push this one is attached to: if one fails, this one is skipped. */
  dependsOn: z.array(ContentRef),
  /**
   * A removal (tombstone): the tenant should no longer hold anything under this key (the item
   * was deleted from the catalogue, or renamed: it is desired under its new key). `revision`
   * and `hash` are the value withdrawn. It stays, so an agent that comes back still holding the
   * item (offline during the removal) has it removed; a push of the key again replaces it. A
   * desired removal has `itemId` "": it is no catalogue item's target (sync state, rollback);
   * the push's plan keeps the item's id.
   */
  remove: z.literal(true).optional(),
});
export type DesiredValue = z.infer<typeof DesiredValue>;

/** `ReportedEntry.failedHash` when the agent refused to remove the value of hash `hash`. */
export const removalRefusal = (hash: string): string => `remove:${hash}`;

/** `desired.<tenant>` document: the desired value and what it replaced (put back by a stop). */
export const DesiredEntry = DesiredValue.extend({
  id: z.string(),
  previous: DesiredValue.nullable(),
});
export type DesiredEntry = z.infer<typeof DesiredEntry>;

/** `reported.<tenant>` document (id `kind:name`; kept small, a tenant holds thousands): the agent's word about one item. */
export const ReportedEntry = z.object({
  id: z.string(),
  /** The hash the agent holds; null when it holds nothing under this name (only a refusal is known). */
  hash: z.string().nullable(),
  revision: z.number().int(),
  /** The push that last applied it, as the agent recorded it. */
  pushId: z.string().nullable(),
  /** Changed (or deleted) on the tenant since it was applied. */
  drifted: z.boolean(),
  /** The agent refused this hash (failed or skipped): not resent until a retry or a new push. */
  failedHash: z.string().optional(),
  error: z.string().optional(),
});
export type ReportedEntry = z.infer<typeof ReportedEntry>;

export type PushType = "push" | "rollback";

/** `pushes` document: small on purpose, it is rewritten whenever a push changes state. */
export const PushRecord = z.object({
  id: z.string(),
  type: z.enum(["push", "rollback"]),
  state: PushStateSchema,
  createdBy: z.string(),
  /** The organization of whoever made it: its users see it. Absent: the root (pushes of earlier versions). */
  orgId: z.string().optional(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  stoppedBy: z.string().nullable(),
  title: z.string(),
  kinds: z.array(ContentKind),
  itemCount: z.number().int(),
  tenantCount: z.number().int(),
  targets: PushTargetsSchema,
  options: PushOptionsSchema,
  /** Counts as of the last state change; the engine keeps live counts in memory. */
  progress: PushProgressSchema,
});
export type PushRecord = z.infer<typeof PushRecord>;

/** One resolved item of a push (the body is read from the catalogue's revision when sent). */
export type PlannedItem = DesiredValue & { key: ItemKey };

/** `push-plan.<push>` document (id `plan`): written once, when the push is made. */
export const PushPlanDoc = z.object({
  id: z.literal("plan"),
  items: z.array(DesiredValue.omit({ pushId: true, options: true }).extend({ key: z.string() })),
  tenantIds: z.array(z.string()),
  /** Embedded store only: items per chunk of the results (absent: one chunk, a push from before chunks). */
  resultChunkItems: z.number().int().positive().optional(),
});
export type PushPlanDoc = z.infer<typeof PushPlanDoc>;

export const ResultEntry = z.object({
  status: PushResultStatusSchema,
  error: z.string().optional(),
});
export type ResultEntry = z.infer<typeof ResultEntry>;

/**
 * `push-results.<push>` document, one per tenant. The map is changed in place (`edit`) rather
 * than copied: copying thousands of entries per acknowledgement would make a push quadratic.
 */
export const TenantResultsDoc = z.object({
  id: z.string(),
  results: z.record(z.string(), ResultEntry),
});
export type TenantResultsDoc = z.infer<typeof TenantResultsDoc>;

export const emptyProgress = (): PushProgress => ({ total: 0, applied: 0, unchanged: 0, failed: 0, skipped: 0, stopped: 0, pending: 0 });

/** A push is running while a result is pending; then its outcome says how it went. */
export function stateOf(progress: PushProgress, stopped: boolean): PushState {
  if (stopped) return "stopped";
  if (progress.pending > 0) return "running";
  return progress.failed + progress.skipped > 0 ? "completed_with_errors" : "completed";
}

/** A record shown with `progress`, its state following the counts unless it was stopped. */
export function withCounts(record: PushRecord, progress: PushProgress): PushRecord {
  const state = record.state === "stopped" ? "stopped" : stateOf(progress, false);
  const finishedAt = state === "running" ? null : (record.finishedAt ?? null);
  return { ...record, state, finishedAt, progress };
}
