import type { PushOptions as ApiPushOptions, PushProgress, PushResultStatus, PushState, PushTargets } from "@canopy/api";
import type { ContentKind, PushOptions as TransformOptions } from "@canopy/content";
import type { ContentRef } from "@canopy/protocol";

/**
 * What the push engine keeps in the store. Everything that grows with items × tenants is
 * partitioned, so a write costs what one tenant or one push holds, never the whole history:
 *
 * - `desired.<tenant>`       one doc per item the tenant should hold (id `kind:name`)
 * - `reported.<tenant>`      one doc per item the tenant's agent said it holds (id `kind:name`)
 * - `pushes`                 one small doc per push (no item lists: they live in the plan)
 * - `push-plan.<push>`       one doc: the push's resolved items and tenants, written once
 * - `push-results.<push>.<n>` one doc per tenant with the result of every item for it; a push's
 *                            tenants are spread over up to 16 shards, so an acknowledgement
 *                            rewrites its tenant's shard, not every result of a big push
 *
 * Store names allow only `[a-z0-9._-]`, so ids in partition names are hex-encoded.
 */
export const pushCollections = {
  pushes: "pushes",
  desired: (tenantId: string) => `desired.${hexOf(tenantId)}`,
  reported: (tenantId: string) => `reported.${hexOf(tenantId)}`,
  plan: (pushId: string) => `push-plan.${hexOf(pushId)}`,
  results: (pushId: string, shard: number) => `push-results.${hexOf(pushId)}.${shard}`,
};

/** Result shards per push: enough to keep acknowledgements cheap, few enough files per push. */
export const MAX_RESULT_SHARDS = 16;
export const resultShards = (tenantCount: number): number => Math.max(1, Math.min(MAX_RESULT_SHARDS, tenantCount));

function hexOf(id: string): string {
  return Buffer.from(id, "utf8").toString("hex");
}

/** An item's identity on a tenant: `kind:name` (names are unique per kind). */
export type ItemKey = string;
export const itemKey = (kind: ContentKind, name: string): ItemKey => `${kind}:${name}`;

/** The value a tenant should hold for one item (what a push decided). */
export interface DesiredValue {
  kind: ContentKind;
  name: string;
  /** The catalogue item and revision the body comes from (revisions are kept after deletion). */
  itemId: string;
  revision: number;
  /** Hash of the body as delivered (after the push transform). */
  hash: string;
  pushId: string;
  /** The push's transform options, needed to rebuild the body for delivery. */
  options: TransformOptions;
  /** Items of the same push this one is attached to: if one fails, this one is skipped. */
  dependsOn: ContentRef[];
}

/** `desired.<tenant>` document: the desired value and what it replaced (put back by a stop). */
export interface DesiredEntry extends DesiredValue {
  id: ItemKey;
  previous: DesiredValue | null;
}

/** `reported.<tenant>` document (id `kind:name`; kept small, a tenant holds thousands): the agent's word about one item. */
export interface ReportedEntry {
  id: ItemKey;
  /** The hash the agent holds; null when it holds nothing under this name (only a refusal is known). */
  hash: string | null;
  revision: number;
  /** The push that last applied it, as the agent recorded it. */
  pushId: string | null;
  /** Changed (or deleted) on the tenant since it was applied. */
  drifted: boolean;
  /** The agent refused this hash (failed or skipped): not resent until a retry or a new push. */
  failedHash?: string;
  error?: string;
}

export type PushType = "push" | "rollback";

/** `pushes` document: small on purpose, it is rewritten whenever a push changes state. */
export interface PushRecord {
  id: string;
  type: PushType;
  state: PushState;
  createdBy: string;
  createdAt: string;
  finishedAt: string | null;
  stoppedBy: string | null;
  title: string;
  kinds: ContentKind[];
  itemCount: number;
  tenantCount: number;
  targets: PushTargets;
  options: ApiPushOptions;
  /** Counts as of the last state change; the engine keeps live counts in memory. */
  progress: PushProgress;
}

/** One resolved item of a push (the body is read from the catalogue's revision when sent). */
export interface PlannedItem extends DesiredValue {
  key: ItemKey;
}

/** `push-plan.<push>` document (id `plan`): written once, when the push is made. */
export interface PushPlanDoc {
  id: "plan";
  items: Omit<PlannedItem, "pushId" | "options">[];
  tenantIds: string[];
}

export interface ResultEntry {
  status: PushResultStatus;
  error?: string;
}

/**
 * `push-results.<push>` document, one per tenant. The map is changed in place and the doc put
 * back: copying thousands of entries per acknowledgement would make a push quadratic.
 */
export interface TenantResultsDoc {
  id: string;
  results: Record<ItemKey, ResultEntry>;
}

export const emptyProgress = (): PushProgress => ({ total: 0, applied: 0, unchanged: 0, failed: 0, skipped: 0, stopped: 0, pending: 0 });

/** A push is running while a result is pending; then its outcome says how it went. */
export function stateOf(progress: PushProgress, stopped: boolean): PushState {
  if (stopped) return "stopped";
  if (progress.pending > 0) return "running";
  return progress.failed + progress.skipped > 0 ? "completed_with_errors" : "completed";
}
