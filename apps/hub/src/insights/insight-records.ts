import { InsightStatusSchema, TenantInsightSchema } from "@canopy/api";
import { z } from "zod";
import type { InsightEntryInput } from "./insight-entry.js";
import { hubInsightId } from "./insight-entry.js";

/**
 * What the hub stores of insights. Timestamps are ISO strings, like every other record.
 *
 * - `insights.<hex tenant id>.<0-15>`: the hub's copy of one tenant's insights (the agent's
 *   documents), by tenant-local id, in 16 shards by a hash of that id (`ShardedCollection`). A batch rewrites only its
 *   tenant's shards, and an acknowledged board change one shard: a write costs a sixteenth of
 *   what the tenant holds, not all of it. (Store names are lower-case; tenant ids are not, hence hex.)
 * - `insight-updates`: changes asked from the hub that the tenant's agent has not acknowledged.
 * - `insight-update-errors`: the last refused change per insight, until the next change.
 */
export const InsightRecord = TenantInsightSchema;
export type InsightRecord = z.infer<typeof InsightRecord>;

export const InsightCollections = {
  /** The sharded collection's name; its shards are `<name>.<0-15>` (a `ShardedCollection`). */
  tenant: (tenantId: string) => `insights.${Buffer.from(tenantId, "utf8").toString("hex")}`,
  updates: "insight-updates",
  updateErrors: "insight-update-errors",
} as const;

const TENANT_SHARD = /^insights\.([0-9a-f]+)\.\d+$/;

/** The tenant whose insight shard a collection is (`insights.<hex>.<n>`), or undefined. */
export function tenantOfShard(collection: string): string | undefined {
  const hex = TENANT_SHARD.exec(collection)?.[1];
  return hex === undefined ? undefined : Buffer.from(hex, "hex").toString("utf8");
}

export const CommentRecord = z.object({ id: z.string(), author: z.string(), body: z.string(), at: z.string() });
export type CommentRecord = z.infer<typeof CommentRecord>;

export const PendingUpdateRecord = z.object({
  /** The update id the agent's ack names. */
  id: z.string(),
  tenantId: z.string(),
  localId: z.string(),
  changes: z.object({
    status: InsightStatusSchema.optional(),
    assignee: z.string().nullable().optional(),
    comment: CommentRecord.optional(),
  }),
  /** Who asked (the audit actor: a user's email or `api-key:<name>`). */
  actor: z.string(),
  requestedAt: z.string(),
  /** Order of requests across the hub: updates are (re)sent in this order. */
  seq: z.number().int(),
});
export type PendingUpdateRecord = z.infer<typeof PendingUpdateRecord>;

export const UpdateErrorRecord = z.object({
  /** The hub insight id. */
  id: z.string(),
  tenantId: z.string(),
  updateId: z.string(),
  error: z.string(),
  at: z.string(),
  requestedBy: z.string(),
});
export type UpdateErrorRecord = z.infer<typeof UpdateErrorRecord>;

/** The index entry of a stored insight. */
export function entryOf(tenantId: string, record: InsightRecord): InsightEntryInput {
  return {
    key: hubInsightId(tenantId, record.id),
    tenantId,
    localId: record.id,
    title: record.title,
    severity: record.severity,
    status: record.status,
    createdAt: Date.parse(record.createdAt),
    updatedAt: Date.parse(record.updatedAt),
    closedAt: record.closedAt === null ? null : Date.parse(record.closedAt),
    ruleId: record.ruleId,
    ruleName: record.ruleName,
    tactics: record.tactics,
    techniques: record.techniques,
    hosts: record.hosts,
    users: record.users,
    assignee: record.assignee,
    revision: record.revision,
    commentCount: record.comments.length,
    source: record.source,
  };
}
