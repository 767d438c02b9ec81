import type { AgentMessage } from "@canopy/protocol";
import type { Logger } from "pino";
import { isoAt, type Clock } from "../core/clock.js";
import { FairScheduler } from "../core/fair-scheduler.js";
import { clip } from "../gateway/agent-log.js";
import type { InsightLink, InsightPort } from "../gateway/insight-port.js";
import { hubInsightId } from "./insight-entry.js";
import { LIVE_PER_INSIGHT_MAX } from "./insight-events.js";
import type { InsightLinks } from "./insight-links.js";
import type { PendingUpdateRecord } from "./insight-records.js";
import type { InsightRepository, StoredInsights } from "./insight-repository.js";
import type { VolumeGate } from "../settings/volume-cap.js";
import { updateRequest, type PendingUpdates } from "./pending-updates.js";

export interface IntakeDeps {
  repository: InsightRepository;
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
  /** The daily volume cap: asked before a batch is stored, told once it is durable. None: no cap. */
  volume?: VolumeGate | undefined;
  /** An agent was welcomed (its settings go to it). */
  onConnected?: ((link: InsightLink) => void) | undefined;
}

/**
 * The gateway's insight messages, applied under the session's tenant: batches from the outbox
 * (idempotent by id and revision, durable before the ack) and acks of board changes (only for
 * updates that belong to that tenant). On every welcome the tenant's pending updates go out again.
 *
 * Batches and acks are applied through a `FairScheduler`: tenants take turns, one message each,
 * for up to `sliceMs`; then one flush makes the whole slice durable, and only then are its
 * messages acknowledged and what they changed shown (listed, on boards, in live events). A tenant flooding small batches gets its turn like any other, and pays for one
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
    this.#deps.onConnected?.(link);
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
    const admission = (await this.#deps.volume?.admit(link.tenantId)) ?? { ok: true, day: undefined };
    if (!admission.ok) {
      // Not stored and not acked: the agent keeps the batch and waits for `insights.resume`.
      link.refuseBatch(message.seq, { reason: "daily_volume_cap", message: admission.message, retryAfterMs: admission.retryAfterMs });
      return false;
    }
    const stored = await this.#scheduler.run(link.tenantId, () => this.#applyBatch(link, message, admission.day));
    if (!stored) return false;
    if (admission.day !== undefined) this.#deps.volume?.accepted(link.tenantId, admission.day, stored.bytes);
    // The slice's flush made them durable (a failed one rejected above): only now are they listed.
    const changed = await this.#deps.repository.show(link.tenantId, stored.kept);
    this.#deps.logger.debug({ tenantId: link.tenantId, seq: message.seq, changed: changed.length, unchanged: stored.unchanged }, "insight batch stored");
    if (changed.length > 0) {
      this.#deps.publishIngested(link.tenantId, changed.length);
      // Changes to insights a board may show; new ones arrive through `insights.ingested`.
      if (stored.updated > 0 && changed.length <= LIVE_PER_INSIGHT_MAX) this.#deps.publishUpdated(changed.map((e) => e.key));
    }
    return true;
  }

  async updateAck(link: InsightLink, message: AgentMessage<"insight.update.ack">): Promise<void> {
    const acked = await this.#scheduler.run(link.tenantId, () => this.#applyAcks(link, message));
    // The slice's flush made them durable (a failed one rejected above, and its rollback put the
    // updates back): only now does the board show the agent's insight and the change as done.
    const { repository, pending } = this.#deps;
    const stored = await Promise.all(acked.insights);
    await repository.show(link.tenantId, stored.flatMap((s) => s.kept));
    for (const update of acked.updates) pending.forget(update);
    if (acked.touched.size > 0) this.#deps.publishUpdated(acked.touched);
  }

  /** In the tenant's turn: the documents change; they are listed once durable (`upsert`). */
  #applyBatch(link: InsightLink, message: AgentMessage<"insights.upsert">, countOn: string | undefined): Promise<StoredInsights> | undefined {
    // Closed while it waited (a flood cut off with 4029): the agent resends it after a reconnect.
    if (!link.isOpen) return undefined;
    if (!this.#deps.tenantExists(link.tenantId)) {
      link.log.warn({ seq: message.seq }, "insight batch for a deleted tenant ignored");
      return undefined;
    }
    return handled(this.#deps.repository.store(link.tenantId, message.insights, { countOn }));
  }

  /** In the tenant's turn: the store changes; what is shown changes once they are durable (`updateAck`). */
  #applyAcks(
    link: InsightLink,
    message: AgentMessage<"insight.update.ack">,
  ): { updates: PendingUpdateRecord[]; insights: Promise<StoredInsights>[]; touched: Set<string> } {
    const { repository, pending, clock } = this.#deps;
    const touched = new Set<string>();
    const updates: PendingUpdateRecord[] = [];
    const insights: Promise<StoredInsights>[] = [];
    for (const result of message.results) {
      const update = pending.get(result.updateId);
      if (!update || update.tenantId !== link.tenantId) {
        // Unknown, already acknowledged, or another tenant's: an agent speaks only for its own.
        link.log.warn({ updateId: clip(result.updateId), known: update !== undefined }, "ack for no pending update of this tenant ignored");
        continue;
      }
      const key = hubInsightId(update.tenantId, update.localId);
      if (result.ok) {
        if (result.insight?.id === update.localId) insights.push(handled(repository.store(link.tenantId, [result.insight])));
        else if (result.insight) link.log.warn({ updateId: update.id, insightId: clip(result.insight.id) }, "ack carried another insight; not applied");
        pending.clearError(key);
      } else {
        pending.recordError(update, result.error ?? "the agent refused the change", isoAt(clock()));
      }
      pending.removeStored(update.id);
      updates.push(update);
      touched.add(key);
    }
    return { updates, insights, touched };
  }

  #pendingKeys(tenantId: string): string[] {
    const keys = new Set(this.#deps.pending.forTenant(tenantId).map((u) => hubInsightId(u.tenantId, u.localId)));
    return Array.from(keys).slice(0, LIVE_PER_INSIGHT_MAX);
  }
}

/**
 * A write's promise, marked handled: the scheduler hands it to its caller only after the slice's
 * flush, and a rejection meanwhile must not count as unhandled (the caller still sees it).
 */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
