import type { InsightDetail, InsightPending, InsightSummary } from "@canopy/api";
import { isoAt } from "../core/clock.js";
import type { InsightEntry } from "./insight-entry.js";
import type { InsightRecord } from "./insight-records.js";
import type { PendingUpdates } from "./pending-updates.js";

export interface ViewContext {
  tenantName(tenantId: string): string;
  pending: PendingUpdates;
  isConnected(tenantId: string): boolean;
}

/** What is on its way to the tenant for one insight: the latest of each field, and how many comments. */
function pendingOf(entry: InsightEntry, ctx: ViewContext): InsightPending | null {
  const updates = ctx.pending.forInsight(entry.key);
  const last = updates.at(-1);
  if (!last) return null;
  const pending: InsightPending = {
    comments: 0,
    requestedAt: last.requestedAt,
    requestedBy: last.actor,
    delivery: ctx.isConnected(entry.tenantId) ? "sent" : "queued",
  };
  for (const { changes } of updates) {
    if (changes.status !== undefined) pending.status = changes.status;
    if (changes.assignee !== undefined) pending.assignee = changes.assignee;
    if (changes.comment) pending.comments++;
  }
  return pending;
}

/** One list item: the acknowledged values, with what is pending and the last refusal beside them. */
export function summaryOf(entry: InsightEntry, ctx: ViewContext): InsightSummary {
  const error = ctx.pending.error(entry.key);
  return {
    id: entry.key,
    tenantId: entry.tenantId,
    tenantName: ctx.tenantName(entry.tenantId),
    localId: entry.localId,
    title: entry.title,
    severity: entry.severity,
    status: entry.status,
    createdAt: isoAt(entry.createdAt),
    updatedAt: isoAt(entry.updatedAt),
    closedAt: entry.closedAt === null ? null : isoAt(entry.closedAt),
    ruleId: entry.ruleId,
    ruleName: entry.ruleName,
    tactics: [...entry.tactics],
    techniques: [...entry.techniques],
    hosts: [...entry.hosts],
    users: [...entry.users],
    assignee: entry.assignee,
    commentCount: entry.commentCount,
    source: entry.source,
    revision: entry.revision,
    pending: pendingOf(entry, ctx),
    updateError: error ? { error: error.error, at: error.at, requestedBy: error.requestedBy } : null,
  };
}

export function detailOf(entry: InsightEntry, record: InsightRecord, ctx: ViewContext): InsightDetail {
  return { ...summaryOf(entry, ctx), description: record.description, comments: record.comments, fields: record.fields };
}
