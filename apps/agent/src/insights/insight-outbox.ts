import { encodeAgentMessage, INSIGHT_LIMITS, MAX_AGENT_FRAME_BYTES, type AgentMessage, type Insight } from "@canopy/protocol";
import type { Collection, Store } from "@canopy/store";
import { z } from "zod";
import type { HubSocket } from "../link/hub-socket.js";
import { FRAME_BUDGET_BYTES, insightBytes, reviveInsight, type StoredInsight } from "./insight-doc.js";
import { insightDocuments, type InsightChangeSink } from "./insight-store.js";
import { silentLogger, type AgentLogger } from "../core/logger.js";

export const OUTBOX_COLLECTION = "insight-outbox";
/** Unacked batches on the wire at once: enough to keep the link busy, few enough to resend cheaply. */
export const DEFAULT_OUTBOX_WINDOW = 4;

/**
 * The outbox's three kinds of document, all in one collection so they are written together:
 * the last seq used, each numbered batch not yet acked (insight ids only: a resend carries the
 * current documents), and each insight changed since it was last put in a batch.
 */
export const OutboxDoc = z.discriminatedUnion("kind", [
  z.object({ id: z.literal("seq"), kind: z.literal("seq"), lastSeq: z.number().int().nonnegative() }),
  z.object({ id: z.templateLiteral(["batch:", z.number()]), kind: z.literal("batch"), seq: z.number().int().positive(), insightIds: z.array(z.string()) }),
  z.object({ id: z.templateLiteral(["queued:", z.string()]), kind: z.literal("queued"), insightId: z.string() }),
]);
type OutboxDoc = z.infer<typeof OutboxDoc>;

/** Longest the agent waits on its own before offering held batches again (the hub normally says when). */
export const MAX_HOLD_MS = 60 * 60 * 1000;

/** Why the hub is not taking insights now (the daily volume cap), as `canopy-agent status` shows it. */
export interface InsightsHeld {
  reason: string;
  message: string;
  since: string;
  /** When the agent offers them again by itself, unless the hub says so sooner. */
  retryAt: string;
}

export interface InsightOutboxOptions {
  store: Store;
  /** The current stored document of an insight (undefined once gone). */
  lookup(id: string): StoredInsight | undefined;
  logger: AgentLogger;
  /** Unacked batches in flight at most. */
  window?: number;
  /** Insights per batch at most (the protocol's 500). */
  batchSize?: number;
  /** Bytes a batch's insights may fill (below the 4 MiB frame limit). */
  frameBudget?: number;
  /** The hub started or stopped holding insights back (the agent records it for `status`). */
  onHeld?: (held: InsightsHeld | null) => void;
}

/**
 * Carries changed insights to the hub until it acknowledges them: at least once on the wire,
 * exactly once in effect (the hub keeps the highest revision). A batch gets its `seq` and is
 * written to disk before it is sent, so an agent killed before the ack resends the same batch
 * after its restart; `seq` never goes back. After every welcome all unacked batches are sent
 * again (same seq, current documents), then new ones, at most `window` unacked at a time.
 */
export class InsightOutbox implements InsightChangeSink {
  readonly #docs: Collection<OutboxDoc>;
  readonly #options: Required<Omit<InsightOutboxOptions, "store" | "lookup" | "logger" | "onHeld">> &
    Pick<InsightOutboxOptions, "store" | "lookup" | "logger" | "onHeld">;
  /** Changed insights waiting for a batch, in the order they changed. */
  readonly #queued = new Set<string>();
  readonly #batches = new Map<number, string[]>();
  #lastSeq = 0;
  /** The connection the hub last welcomed on; batches are only formed while it is up. */
  #socket: HubSocket | undefined;
  #pumping: Promise<void> | undefined;
  #pumpAgain = false;
  #stopped = false;
  /** Set while the hub refuses batches: nothing is sent until it resumes (or a reconnect, or the hold's own timer). */
  #held: InsightsHeld | null = null;
  #holdTimer: NodeJS.Timeout | undefined;

  constructor(options: InsightOutboxOptions) {
    this.#options = {
      window: DEFAULT_OUTBOX_WINDOW,
      batchSize: INSIGHT_LIMITS.batch,
      frameBudget: FRAME_BUDGET_BYTES,
      ...options,
    };
    this.#docs = options.store.collection<OutboxDoc>(OUTBOX_COLLECTION);
    this.#load();
    // A failed write took outbox changes back: what is queued and unacked is what the disk says.
    options.store.onRollback(({ collections }) => {
      if (collections.includes(OUTBOX_COLLECTION)) this.#load();
    });
  }

  #load(): void {
    this.#queued.clear();
    this.#batches.clear();
    this.#lastSeq = 0;
    for (const doc of this.#docs.all()) {
      if (doc.kind === "seq") this.#lastSeq = Math.max(this.#lastSeq, doc.lastSeq);
      else if (doc.kind === "batch") this.#batches.set(doc.seq, doc.insightIds);
      else if (doc.kind === "queued") this.#queued.add(doc.insightId);
    }
    for (const seq of this.#batches.keys()) this.#lastSeq = Math.max(this.#lastSeq, seq);
  }

  /** Insights waiting for a batch. */
  get queued(): number {
    return this.#queued.size;
  }

  /** Seqs sent (or about to be) and not acked yet, ascending. */
  get unacked(): number[] {
    return Array.from(this.#batches.keys()).sort((a, b) => a - b);
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  /** An insight changed: it goes into the next batch (a queued one is not queued twice). */
  enqueue(id: string): void {
    if (!this.#queued.has(id)) {
      this.#queued.add(id);
      this.#docs.put({ id: `queued:${id}`, kind: "queued", insightId: id });
    }
    this.#pump();
  }

  /**
   * A new hub (pairing): it holds none of these, so every insight is queued again; batches the
   * old hub never acked are dropped (their seqs stay used).
   */
  requeueAll(ids: Iterable<string>): void {
    for (const seq of this.#batches.keys()) this.#docs.delete(`batch:${seq}`);
    this.#batches.clear();
    for (const id of ids) this.enqueue(id);
  }

  /** The hub welcomed the agent: resend every unacked batch, then carry on with new ones. */
  welcomed(socket: HubSocket): void {
    if (this.#stopped) return;
    this.#socket = socket;
    // A new session asks again: the hub refuses once more if what held them still holds.
    this.#release();
    this.#resendUnacked();
  }

  /** Why the hub is holding insights back now; null while it takes them. */
  get held(): InsightsHeld | null {
    return this.#held;
  }

  /**
   * The hub refused batch `seq` (its daily volume cap): it stays in the outbox, as does every
   * other one, and nothing more goes out until the hub resumes, a reconnect, or `retryAfterMs`
   * (at most MAX_HOLD_MS) on this agent's clock. Nothing is lost: the batches are on disk.
   */
  refused(seq: number, refusal: { reason: string; message: string; retryAfterMs: number }): void {
    if (this.#stopped) return;
    const waitMs = Math.min(Math.max(refusal.retryAfterMs, 1000), MAX_HOLD_MS);
    const first = this.#held === null;
    const now = Date.now();
    this.#held = { reason: refusal.reason, message: refusal.message, since: this.#held?.since ?? new Date(now).toISOString(), retryAt: new Date(now + waitMs).toISOString() };
    clearTimeout(this.#holdTimer);
    this.#holdTimer = setTimeout(() => this.resume(), waitMs);
    this.#holdTimer.unref();
    if (first) {
      this.#options.logger.warn({ seq, reason: refusal.reason, detail: refusal.message }, "the hub is holding insights back; they stay queued here");
      this.#options.onHeld?.(this.#held);
    }
  }

  /** The hub takes insights again (or the hold's time is up): send what waited. */
  resume(): void {
    if (this.#stopped || this.#held === null) return;
    this.#options.logger.info({ unacked: this.#batches.size, queued: this.#queued.size }, "the hub takes insights again; sending what waited");
    this.#release();
    this.#resendUnacked();
  }

  #release(): void {
    clearTimeout(this.#holdTimer);
    this.#holdTimer = undefined;
    if (this.#held === null) return;
    this.#held = null;
    this.#options.onHeld?.(null);
  }

  #resendUnacked(): void {
    const socket = this.#online();
    if (socket) {
      for (const seq of this.unacked) {
        if (!this.#send(seq, socket)) break;
      }
    }
    this.#pump();
  }

  /** The hub stored batch `seq`: forget it, make room for the next. */
  acked(seq: number): void {
    if (!this.#batches.delete(seq)) {
      this.#options.logger.debug({ seq }, "ack for an insight batch that is not in the outbox");
      return;
    }
    this.#docs.delete(`batch:${seq}`);
    this.#options.logger.debug({ seq, unacked: this.#batches.size, queued: this.#queued.size }, "insight batch acknowledged");
    this.#pump();
  }

  /** No more batches; waits for one being formed. What is queued stays on disk for the next run. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#holdTimer);
    this.#socket = undefined;
    await this.#pumping;
  }

  #online(): HubSocket | undefined {
    const socket = this.#socket;
    return !this.#stopped && this.#held === null && socket?.isOpen && socket.phase === "established" ? socket : undefined;
  }

  #pump(): void {
    if (this.#pumping) {
      this.#pumpAgain = true;
      return;
    }
    if (!this.#online()) return;
    this.#pumping = this.#formBatches()
      .catch((error: unknown) => this.#options.logger.error({ err: error instanceof Error ? error.message : String(error) }, "insight outbox failed"))
      .finally(() => {
        this.#pumping = undefined;
        if (this.#pumpAgain) {
          this.#pumpAgain = false;
          this.#pump();
        }
      });
  }

  async #formBatches(): Promise<void> {
    for (;;) {
      this.#pumpAgain = false;
      const socket = this.#online();
      if (!socket || this.#batches.size >= this.#options.window || this.#queued.size === 0) return;
      const ids = this.#takeFromQueue();
      if (ids.length === 0) continue;
      const seq = ++this.#lastSeq;
      this.#batches.set(seq, ids);
      this.#docs.put({ id: "seq", kind: "seq", lastSeq: seq });
      this.#docs.put({ id: `batch:${seq}`, kind: "batch", seq, insightIds: ids });
      // On disk before the hub hears of it: a restart resends this very batch and never reuses its seq.
      await this.#options.store.flush();
      // Sent on the socket that is up now; if it went down meanwhile, the next welcome resends it.
      const now = this.#online();
      if (now) this.#send(seq, now);
    }
  }

  /** Up to `batchSize` queued insights that fit the frame budget, oldest change first. */
  #takeFromQueue(): string[] {
    const ids: string[] = [];
    let bytes = 0;
    for (const id of this.#queued) {
      const doc = this.#options.lookup(id);
      const size = doc ? insightBytes(doc) : 0;
      if (doc && ids.length > 0 && (ids.length >= this.#options.batchSize || bytes + size > this.#options.frameBudget)) break;
      this.#queued.delete(id);
      this.#docs.delete(`queued:${id}`);
      // Gone, or damaged: nothing to send.
      if (!doc || !reviveInsight(doc)) continue;
      ids.push(id);
      bytes += size;
    }
    return ids;
  }

  /** Sends batch `seq` with the insights' current documents; false when the socket is not open. */
  #send(seq: number, socket: HubSocket): boolean {
    const ids = this.#batches.get(seq);
    if (!ids) return true;
    const message = this.#frame(seq, ids);
    if (!message) {
      // Every insight of it is gone: nothing the hub needs.
      this.#batches.delete(seq);
      this.#docs.delete(`batch:${seq}`);
      return true;
    }
    const sent = socket.send(message);
    if (sent) this.#options.logger.debug({ seq, insights: message.insights.length }, "insight batch sent");
    return sent;
  }

  /**
   * The frame for a batch. Insights grew since it was formed (comments) may no longer fit: the
   * ones that do not go back to the queue, into a later batch.
   */
  #frame(seq: number, ids: string[]): AgentMessage<"insights.upsert"> | null {
    const insights: Insight[] = [];
    let estimate = 0;
    for (const id of ids) {
      const doc = this.#options.lookup(id);
      const insight = doc ? reviveInsight(doc) : null;
      if (!doc || !insight) continue;
      insights.push(insight);
      estimate += insightBytes(doc);
    }
    if (insights.length === 0) return null;
    let message: AgentMessage<"insights.upsert"> = { type: "insights.upsert", seq, insights };
    // Only measured exactly when the estimate says it might not fit (encoding 500 insights twice is not free).
    if (estimate <= this.#options.frameBudget) return message;
    while (insights.length > 1 && Buffer.byteLength(encodeAgentMessage(message)) > MAX_AGENT_FRAME_BYTES) {
      const moved = insights.splice(Math.ceil(insights.length / 2));
      const kept = insights.map((i) => i.id);
      this.#batches.set(seq, kept);
      this.#docs.put({ id: `batch:${seq}`, kind: "batch", seq, insightIds: kept });
      for (const insight of moved) this.enqueue(insight.id);
      message = { type: "insights.upsert", seq, insights };
    }
    return message;
  }
}

/**
 * Paired with a hub (again, perhaps another one): it holds none of the insights here, so every one
 * is queued for the next run; batches the old hub never acked are dropped (their seqs stay used).
 */
export function queueAllForNewHub(store: Store): void {
  const outbox = new InsightOutbox({ store, lookup: () => undefined, logger: silentLogger });
  outbox.requeueAll(insightDocuments(store).all().map((doc) => doc.id));
}
