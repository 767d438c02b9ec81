import type { InsightStatus, InsightSummary } from "$lib/api";

/**
 * Which of two states of one insight to show. The agent bumps `revision` on every change it
 * makes, so a higher revision is newer; at the same revision the later one to arrive wins (a
 * pending change recorded on the hub does not change the revision).
 */
export function newer<T extends Pick<InsightSummary, "revision">>(held: T, arriving: T): T {
  return arriving.revision >= held.revision ? arriving : held;
}

/**
 * An answer to a request (list page, PATCH) against what the live feed said about the same
 * insight after the request was sent: the feed's word is at least as new, unless the answer
 * carries a higher revision. Without this, a PATCH answer that arrives after the agent's
 * acknowledgement would bring the card back to "pending" for good.
 */
export function reconcile<T extends Pick<InsightSummary, "revision">>(answer: T, liveSinceRequest: T | undefined): T {
  if (!liveSinceRequest) return answer;
  return answer.revision > liveSinceRequest.revision ? answer : liveSinceRequest;
}

/** The column a card belongs in: where it is going while a status change is pending. */
export function boardStatus(insight: Pick<InsightSummary, "status" | "pending">): InsightStatus {
  return insight.pending?.status ?? insight.status;
}

/**
 * What the card or row shows about write-back: done, on its way, waiting for an offline tenant,
 * or refused by the tenant's agent (the last change it was asked for did not happen).
 */
export type WriteState = "acknowledged" | "pending" | "queued" | "refused";

export function writeState(insight: Pick<InsightSummary, "pending" | "updateError">): WriteState {
  if (!insight.pending) return insight.updateError ? "refused" : "acknowledged";
  return insight.pending.delivery === "queued" ? "queued" : "pending";
}

/** A short account of what is on its way to the tenant ("status → In progress, 1 comment"). */
export function pendingParts(pending: NonNullable<InsightSummary["pending"]>, statusLabel: (s: InsightStatus) => string): string[] {
  const parts: string[] = [];
  if (pending.status) parts.push(`status → ${statusLabel(pending.status)}`);
  if (pending.assignee !== undefined) parts.push(pending.assignee ? `assignee → ${pending.assignee}` : "unassign");
  if (pending.comments > 0) parts.push(pending.comments === 1 ? "1 comment" : `${pending.comments} comments`);
  return parts;
}

/** The card as it shows the moment it is dropped, before the hub answers: on its way to `to`. */
export function optimisticMove(insight: InsightSummary, to: InsightStatus, now: number): InsightSummary {
  return {
    ...insight,
    pending: { comments: 0, ...insight.pending, status: to, requestedAt: new Date(now).toISOString(), requestedBy: "", delivery: "sent" },
  };
}
