import type { InsightStatus, TenantInsight } from "@canopy/api";
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
export type InsightRecord = TenantInsight;

export const InsightCollections = {
  /** The sharded collection's name; its shards are `<name>.<0-15>` (a `ShardedCollection`). */
  tenant: (tenantId: string) => `insights.${Buffer.from(tenantId, "utf8").toString("hex")}`,
  updates: "insight-updates",
  updateErrors: "insight-update-errors",
} as const;

export interface CommentRecord {
  id: string;
  author: string;
  body: string;
  at: string;
}

export interface PendingUpdateRecord {
  /** The update id the agent's ack names. */
  id: string;
  tenantId: string;
  localId: string;
  changes: { status?: InsightStatus; assignee?: string | null; comment?: CommentRecord };
  /** Who asked (the audit actor: a user's email or `api-key:<name>`). */
  actor: string;
  requestedAt: string;
  /** Order of requests across the hub: updates are (re)sent in this order. */
  seq: number;
}

export interface UpdateErrorRecord {
  /** The hub insight id. */
  id: string;
  tenantId: string;
  updateId: string;
  error: string;
  at: string;
  requestedBy: string;
}

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
