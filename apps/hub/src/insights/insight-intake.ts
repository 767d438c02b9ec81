import type { AgentMessage } from "@canopy/protocol";
import type { Logger } from "pino";
import { isoAt, type Clock } from "../core/clock.js";
import { FairScheduler } from "../core/fair-scheduler.js";
import { clip } from "../gateway/agent-log.js";
import type { InsightLink, InsightPort } from "../gateway/insight-port.js";
import type { InsightBook } from "./insight-book.js";
import { hubInsightId } from "./insight-entry.js";
import { LIVE_PER_INSIGHT_MAX } from "./insight-events.js";
import type { InsightLinks } from "./insight-links.js";
import { updateRequest, type PendingUpdates } from "./pending-updates.js";

export interface IntakeDeps {
  book: InsightBook;
  pending: PendingUpdates;
  links: InsightLinks;
  /** Whether the tenant still exists (a deleted tenant's late batch is not kept). */
  tenantExists(tenantId: string): boolean;
  flush(): Promise<void>;
  clock: Clock;
  logger: Logger;
  /** Publishes `insight.updated` for these hub ids (those still indexed). */
  publishUpdated(keys: Iterable<string>): void;
  publishIngested(tenantId: string, count: number): void;
}

/**
 * The gateway's insight messages, applied under the session's tenant: batches from the outbox
 * (idempotent by id and revision, durable before the ack) and acks of board changes (only for
 * updates that belong to that tenant). On every welcome the tenant's pending updates go out again.
 *
 * Batches and acks are applied through a `FairScheduler`: tenants take turns, one message each,
 * for up to `sliceMs`; then one flush makes the whole slice durable and its messages are
 * acknowledged. A tenant flooding small batches gets its turn like any other, and pays for one
 * flush per slice instead of one per batch.
 */
export class InsightIntake implements InsightPort {
  readonly #deps: IntakeDeps;
  readonly #scheduler: FairScheduler;

  constructor(deps: IntakeDeps, sliceMs = 10) {
    this.#deps = deps;
    this.#scheduler = new FairScheduler({ sliceMs, afterSlice: () => deps.flush() });
  }

  connected(link: InsightLink): void {
    const { links, pending, logger } = this.#deps;
    links.connected(link);
    const updates = pending.forTenant(link.tenantId);
    if (updates.length === 0) return;
    if (link.sendUpdates(updates.map(updateRequest))) logger.info({ tenantId: link.tenantId, count: updates.length }, "resent pending insight updates");
    this.#deps.publishUpdated(this.#pendingKeys(link.tenantId));
  }

  disconnected(link: InsightLink): void {
    this.#deps.links.disconnected(link);
    // Pending changes of this tenant are now queued, not sent: their cards say so.
    if (!this.#deps.links.isConnected(link.tenantId)) this.#deps.publishUpdated(this.#pendingKeys(link.tenantId));
  }

  async upsert(link: InsightLink, message: AgentMessage<"insights.upsert">): Promise<boolean> {
    const applied = await this.#scheduler.run(link.tenantId, () => this.#applyBatch(link, message));
    if (!applied) return false;
    this.#deps.logger.debug({ tenantId: link.tenantId, seq: message.seq, changed: applied.changed.length, unchanged: applied.unchanged }, "insight batch stored");
    if (applied.changed.length > 0) {
      this.#deps.publishIngested(link.tenantId, applied.changed.length);
      // Changes to insights a board may show; new ones arrive through `insights.ingested`.
      if (applied.updated > 0 && applied.changed.length <= LIVE_PER_INSIGHT_MAX) this.#deps.publishUpdated(applied.changed.map((e) => e.key));
    }
    return true;
  }

  async updateAck(link: InsightLink, message: AgentMessage<"insight.update.ack">): Promise<void> {
    const touched = await this.#scheduler.run(link.tenantId, () => this.#applyAcks(link, message));
    if (touched.size > 0) this.#deps.publishUpdated(touched);
  }

  /** In the tenant's turn; durable once the slice's flush is done. */
  #applyBatch(link: InsightLink, message: AgentMessage<"insights.upsert">): ReturnType<InsightBook["apply"]> | undefined {
    // Closed while it waited (a flood cut off with 4029): the agent resends it after a reconnect.
    if (!link.isOpen) return undefined;
    if (!this.#deps.tenantExists(link.tenantId)) {
      link.log.warn({ seq: message.seq }, "insight batch for a deleted tenant ignored");
      return undefined;
    }
    return this.#deps.book.apply(link.tenantId, message.insights);
  }

  #applyAcks(link: InsightLink, message: AgentMessage<"insight.update.ack">): Set<string> {
    const { book, pending, clock } = this.#deps;
    const touched = new Set<string>();
    for (const result of message.results) {
      const update = pending.get(result.updateId);
      if (!update || update.tenantId !== link.tenantId) {
        // Unknown, already acknowledged, or another tenant's: an agent speaks only for its own.
        link.log.warn({ updateId: clip(result.updateId), known: update !== undefined }, "ack for no pending update of this tenant ignored");
        continue;
      }
      const key = hubInsightId(update.tenantId, update.localId);
      if (result.ok) {
        if (result.insight?.id === update.localId) book.apply(link.tenantId, [result.insight]);
        else if (result.insight) link.log.warn({ updateId: update.id, insightId: clip(result.insight.id) }, "ack carried another insight; not applied");
        pending.clearError(key);
      } else {
        pending.recordError(update, result.error ?? "the agent refused the change", isoAt(clock()));
      }
      pending.remove(update.id);
      touched.add(key);
    }
    return touched;
  }

  #pendingKeys(tenantId: string): string[] {
    const keys = new Set(this.#deps.pending.forTenant(tenantId).map((u) => hubInsightId(u.tenantId, u.localId)));
    return Array.from(keys).slice(0, LIVE_PER_INSIGHT_MAX);
  }
}
