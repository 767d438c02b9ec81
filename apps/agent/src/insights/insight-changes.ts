import type { Insight, InsightChanges, InsightComment } from "@canopy/protocol";
import type { SourceInsight } from "./insight-doc.js";

/** An insight before the agent stamps it: `revision` and `updatedAt` are set on commit. */
export type InsightDraft = Omit<Insight, "revision" | "updatedAt">;

/** Adds comments whose id is not there yet; a comment is never changed once added (resends are no-ops). */
function withComments(existing: InsightComment[], added: InsightComment[]): InsightComment[] {
  const known = new Set(existing.map((c) => c.id));
  const fresh = added.filter((c) => !known.has(c.id) && known.add(c.id));
  return fresh.length === 0 ? existing : [...existing, ...fresh];
}

/**
 * What a source says about an insight, laid over what the agent holds. Fields the source leaves
 * out keep their value (a re-import does not reopen what an analyst closed, nor drop a board
 * comment); a new insight starts `new`, created now, from `source`.
 */
export function mergeSourceInsight(existing: Insight | null, input: SourceInsight, defaults: { source: string; now: Date }): InsightDraft {
  const { now } = defaults;
  const status = input.status ?? existing?.status ?? "new";
  const closedAt =
    status === "closed" ? (input.closedAt ?? (existing?.status === "closed" ? existing.closedAt : null) ?? now) : null;
  return {
    id: input.id,
    title: input.title,
    description: input.description ?? existing?.description ?? "",
    severity: input.severity,
    status,
    createdAt: input.createdAt ?? existing?.createdAt ?? now,
    closedAt,
    ruleId: input.ruleId !== undefined ? input.ruleId : (existing?.ruleId ?? null),
    ruleName: input.ruleName !== undefined ? input.ruleName : (existing?.ruleName ?? null),
    tactics: input.tactics ?? existing?.tactics ?? [],
    techniques: input.techniques ?? existing?.techniques ?? [],
    hosts: input.hosts ?? existing?.hosts ?? [],
    users: input.users ?? existing?.users ?? [],
    assignee: input.assignee !== undefined ? input.assignee : (existing?.assignee ?? null),
    comments: withComments(existing?.comments ?? [], input.comments ?? []),
    fields: input.fields ?? existing?.fields ?? {},
    source: input.source ?? existing?.source ?? defaults.source,
  };
}

/**
 * A change asked for from the hub's board. Closing stamps `closedAt` with when the analyst asked
 * (never later than now), reopening clears it; the same change applied twice changes nothing.
 */
export function applyBoardChanges(existing: Insight, changes: InsightChanges, requestedAt: Date, now: Date): InsightDraft {
  const draft: InsightDraft = { ...existing };
  if (changes.status !== undefined && changes.status !== existing.status) {
    draft.status = changes.status;
    draft.closedAt = changes.status === "closed" ? new Date(Math.min(requestedAt.getTime(), now.getTime())) : null;
  }
  if (changes.assignee !== undefined) draft.assignee = changes.assignee?.trim() || null;
  if (changes.comment) draft.comments = withComments(existing.comments, [changes.comment]);
  return draft;
}
