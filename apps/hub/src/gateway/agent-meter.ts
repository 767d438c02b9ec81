import { TokenBucket } from "../core/token-bucket.js";
import type { AgentBudgets } from "./agent-budgets.js";

/** What the session does with a frame the meter has counted. */
export type MeterVerdict =
  /** Within budget, or over it by `holdMs`: stop reading that long (0: keep reading). */
  | { type: "ok"; holdMs: number }
  /** A persistent offender: `rate_limited`, then close 4029. */
  | { type: "offender"; reason: string };

const MINUTE = 60_000;
const within = { type: "ok", holdMs: 0 } as const;

/**
 * One tenant's budgets (see `AgentBudgets`), kept by the gateway across that tenant's
 * connections, so reconnecting does not buy a fresh budget. Time is the caller's, in ms.
 *
 * Every frame counts against the frame and byte budgets; the insight, bad-frame and held-back
 * budgets are made the first time they are spent (a full bucket made later is the same as one
 * made now and left alone), so an agent that never sends insights nor misbehaves costs two.
 */
export class AgentMeter {
  readonly #budgets: AgentBudgets;
  readonly #frames: TokenBucket;
  readonly #bytes: TokenBucket;
  #insights: TokenBucket | undefined;
  #badFrames: TokenBucket | undefined;
  #heldBack: TokenBucket | undefined;
  /** Until when reading is held back for the frame or byte budget. */
  #heldUntil = 0;

  constructor(budgets: AgentBudgets, now: number) {
    this.#budgets = budgets;
    this.#frames = new TokenBucket(budgets.framesPerSecond, budgets.frameBurst, now);
    this.#bytes = new TokenBucket(budgets.bytesPerSecond, budgets.byteBurst, now);
  }

  /** Every frame, before it is decoded. */
  frame(bytes: number, now: number): MeterVerdict {
    const holdMs = Math.max(this.#frames.take(1, now), this.#bytes.take(bytes, now));
    if (holdMs === 0) return within;
    // Frames that arrived after reading stopped (a socket chunk holds thousands of small ones):
    // a debt this deep is flooding, not a burst.
    if (this.#frames.level(now) < -this.#frames.burst || this.#bytes.level(now) < -this.#bytes.burst) {
      return { type: "offender", reason: "kept sending far beyond its frame or byte budget" };
    }
    const until = now + holdMs;
    const added = until - Math.max(this.#heldUntil, now);
    if (added > 0) {
      this.#heldUntil = until;
      const budgets = this.#budgets;
      const heldBack = (this.#heldBack ??= new TokenBucket((budgets.heldBackMsPerMinute * 1000) / MINUTE, budgets.heldBackMsPerMinute, now));
      heldBack.take(added, now);
      if (heldBack.level(now) < 0) return { type: "offender", reason: "stayed over its frame or byte budget" };
    }
    return { type: "ok", holdMs };
  }

  /** The frame answered a ping or rpc call of the hub's: the hub asked for it, so it is free. */
  answered(now: number): void {
    this.#frames.take(-1, now);
  }

  /** Insights in an `insights.upsert` batch. Never an offence: a big backlog is only slowed down. */
  insights(count: number, now: number): number {
    this.#insights ??= new TokenBucket(this.#budgets.insightsPerSecond, this.#budgets.insightBurst, now);
    return this.#insights.take(count, now);
  }

  /** Every budget is whole again: the meter is no different from a new one, so it can be dropped. */
  rested(now: number): boolean {
    return now >= this.#heldUntil && [this.#frames, this.#bytes, this.#insights, this.#badFrames, this.#heldBack].every((b) => b === undefined || b.full(now));
  }

  /** A frame that could not be used: unknown type, a second hello, an answer to nothing. */
  badFrame(now: number): MeterVerdict {
    const budgets = this.#budgets;
    const badFrames = (this.#badFrames ??= new TokenBucket((budgets.badFramesPerMinute * 1000) / MINUTE, budgets.badFrameBurst, now));
    badFrames.take(1, now);
    return badFrames.level(now) < 0 ? { type: "offender", reason: "sent too many bad frames" } : within;
  }
}
