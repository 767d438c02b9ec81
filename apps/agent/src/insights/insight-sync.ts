import { INSIGHT_LIMITS, type AgentMessage, type HubMessage, type InsightUpdateResult } from "@canopy/protocol";
import { StoreWriteError, type Store } from "@canopy/store";
import type { HubSocket } from "../link/hub-socket.js";
import { FRAME_BUDGET_BYTES, insightBytes } from "./insight-doc.js";
import { InsightOutbox, type InsightsHeld } from "./insight-outbox.js";
import { InsightRetention } from "./insight-retention.js";
import { InsightStore, type IngestResult } from "./insight-store.js";
import type { AgentLogger } from "../core/logger.js";

export interface InsightSyncOptions {
  store: Store;
  logger: AgentLogger;
  /** Unacked `insights.upsert` batches at most (default 4). */
  outboxWindow?: number;
  /** Between retention purges while running (default hourly). */
  retentionCheckMs?: number | undefined;
  /** The hub started or stopped holding insights back. */
  onHeld?: (held: InsightsHeld | null) => void;
}

/**
 * The agent's insight side: the store, the outbox that carries changes to the hub, and the
 * board changes the hub sends back. The same store and outbox serve a running agent and a CLI
 * command writing while no agent runs (then nothing is sent; the next run sends it).
 */
export class InsightSync {
  readonly insights: InsightStore;
  readonly outbox: InsightOutbox;
  readonly retention: InsightRetention;
  readonly #store: Store;
  readonly #logger: AgentLogger;

  constructor(options: InsightSyncOptions) {
    this.#store = options.store;
    this.#logger = options.logger;
    this.outbox = new InsightOutbox({
      store: options.store,
      lookup: (id) => this.insights.stored(id),
      logger: options.logger,
      ...(options.outboxWindow ? { window: options.outboxWindow } : {}),
      ...(options.onHeld ? { onHeld: options.onHeld } : {}),
    });
    this.insights = new InsightStore(options.store, this.outbox);
    this.retention = new InsightRetention({
      store: options.store,
      insights: this.insights,
      logger: options.logger,
      ...(options.retentionCheckMs ? { checkMs: options.retentionCheckMs } : {}),
    });
  }

  welcomed(socket: HubSocket): void {
    this.outbox.welcomed(socket);
  }

  acked(seq: number): void {
    this.outbox.acked(seq);
  }

  /** Values from a source, stored and on disk when this resolves (the sender may then forget them). */
  async ingest(values: unknown[], source: string): Promise<IngestResult> {
    const result = this.insights.ingest(values, { source });
    if (result.created + result.updated > 0) await this.#store.flush();
    return result;
  }

  /**
   * `insight.update`: apply each change, make it durable, then answer with the insight after the
   * change (the outbox also carries the new revision, as for any change).
   */
  async applyUpdates(message: HubMessage<"insight.update">, socket: HubSocket): Promise<void> {
    const now = new Date();
    let results = message.updates.map((update) => {
      const result = this.insights.applyUpdate(update, now);
      this.#logger.info(
        { updateId: update.updateId, insightId: update.insightId, actor: update.actor, changes: Object.keys(update.changes), ok: result.ok, error: result.error },
        "insight update from the hub",
      );
      return result;
    });
    try {
      await this.#store.flush();
    } catch (error) {
      if (!(error instanceof StoreWriteError)) throw error;
      // The store rolled the changes back, so none of them is kept. Say so: the hub resends a
      // pending change only after a reconnect, so without an answer the card would stay "on its
      // way" long after the disk recovered. A refusal shows the analyst why, like a failed push.
      this.#logger.error({ err: error.message, updates: results.length }, "could not store board changes from the hub; answered them refused");
      const refused = `the agent could not store this change: ${error.reason}; nothing was changed, make the change again later`;
      results = results.map((result) => (result.ok ? { updateId: result.updateId, ok: false, error: refused } : result));
    }
    for (const frame of updateAckFrames(results)) socket.send(frame);
  }

  stop(): Promise<void> {
    this.retention.stop();
    return this.outbox.stop();
  }
}

/** Acks split so no frame nears the 4 MiB limit (each result carries a whole insight). */
export function updateAckFrames(results: InsightUpdateResult[], budget = FRAME_BUDGET_BYTES): AgentMessage<"insight.update.ack">[] {
  const frames: AgentMessage<"insight.update.ack">[] = [];
  let current: InsightUpdateResult[] = [];
  let bytes = 0;
  for (const result of results) {
    const size = 256 + (result.insight ? insightBytes(result.insight) : 0);
    if (current.length > 0 && (current.length >= INSIGHT_LIMITS.updates || bytes + size > budget)) {
      frames.push({ type: "insight.update.ack", results: current });
      current = [];
      bytes = 0;
    }
    current.push(result);
    bytes += size;
  }
  if (current.length > 0) frames.push({ type: "insight.update.ack", results: current });
  return frames;
}
