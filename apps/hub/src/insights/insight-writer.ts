import type { InsightBulkResult, InsightStatus } from "@canopy/api";
import { isoAt, type Clock } from "../core/clock.js";
import { newId } from "../core/ids.js";
import type { InsightEntry } from "./insight-entry.js";
import type { InsightLinks } from "./insight-links.js";
import type { PendingUpdateRecord } from "./insight-records.js";
import { updateRequest, type PendingUpdates } from "./pending-updates.js";

/** A change asked from the board or the API. */
export interface InsightChange {
  status?: InsightStatus | undefined;
  /** Empty or null: unassign. */
  assignee?: string | null | undefined;
  comment?: string | undefined;
}

export interface WriterDeps {
  pending: PendingUpdates;
  links: InsightLinks;
  clock: Clock;
}

/**
 * Turns a change into pending updates (one per insight) and sends them to connected agents.
 * A field already at the asked value, with nothing else on its way, is left out: closing 500
 * insights of which 200 are closed asks the agents for 300 changes, not 500.
 */
export class InsightWriter {
  readonly #deps: WriterDeps;

  constructor(deps: WriterDeps) {
    this.#deps = deps;
  }

  /** The pending update for one insight, or undefined when nothing would change. Not stored yet. */
  plan(entry: InsightEntry, change: InsightChange, actor: string): PendingUpdateRecord | undefined {
    const { pending, clock } = this.#deps;
    const outstanding = pending.forInsight(entry.key).length > 0;
    const now = isoAt(clock());
    const changes: PendingUpdateRecord["changes"] = {};
    if (change.status !== undefined && (outstanding || change.status !== entry.status)) changes.status = change.status;
    const assignee = change.assignee === undefined ? undefined : change.assignee?.trim() || null;
    if (assignee !== undefined && (outstanding || assignee !== entry.assignee)) changes.assignee = assignee;
    // The comment id is the hub's: the agent adds a comment once per id, so resends are harmless.
    if (change.comment !== undefined) changes.comment = { id: newId("cmt"), author: actor, body: change.comment, at: now };
    if (Object.keys(changes).length === 0) return undefined;
    return { id: newId("upd"), tenantId: entry.tenantId, localId: entry.localId, changes, actor, requestedAt: now, seq: pending.nextSeq() };
  }

  /** Stores updates as pending (the caller flushes before delivering). */
  record(updates: readonly PendingUpdateRecord[]): void {
    for (const update of updates) this.#deps.pending.add(update);
  }

  /** Sends stored updates to the agents that are connected; the rest wait for their welcome. */
  deliver(updates: readonly PendingUpdateRecord[]): Pick<InsightBulkResult, "sent" | "queued"> {
    const byTenant = new Map<string, PendingUpdateRecord[]>();
    for (const update of updates) {
      const list = byTenant.get(update.tenantId);
      if (list) list.push(update);
      else byTenant.set(update.tenantId, [update]);
    }
    let sent = 0;
    let queued = 0;
    for (const [tenantId, list] of byTenant) {
      const link = this.#deps.links.get(tenantId);
      if (link?.sendUpdates(list.map(updateRequest))) sent += list.length;
      else queued += list.length;
    }
    return { sent, queued };
  }
}
