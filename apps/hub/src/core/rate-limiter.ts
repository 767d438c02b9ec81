import type { Clock } from "./clock.js";

export interface RateLimiterOptions {
  /** Failures allowed inside the window before the key is blocked. */
  maxFailures: number;
  windowMs: number;
  clock: Clock;
  /** Keys tracked at most; the oldest are dropped first so memory stays bounded. */
  maxKeys?: number;
}

/** An attempt that was let through: it counts as a failure unless released. */
export interface ReservedAttempt {
  ok: true;
  /** The attempt succeeded: it stops counting (and nothing else is forgotten). */
  release(): void;
}

export type Attempt = ReservedAttempt | { ok: false; retryAfterMs: number };

/** One counted attempt; an object so a release removes exactly its own. */
interface Mark {
  at: number;
}

/**
 * Counts failures per key (a client address, a network, the whole hub) in a sliding window.
 * An attempt is counted when it starts (`reserve`), before the costly or secret check it guards,
 * and released only if it succeeds: so however many run at once, at most `maxFailures` reach the
 * check per window. Checking first and recording after would let every concurrent attempt
 * through. A user who gets it right is never slowed down; a guesser is stopped.
 */
export class FailureRateLimiter {
  readonly #marks = new Map<string, Mark[]>();
  readonly #options: Required<RateLimiterOptions>;

  constructor(options: RateLimiterOptions) {
    this.#options = { maxKeys: 10_000, ...options };
  }

  /** Milliseconds until `key` may try again, or 0 when it has budget left. */
  retryAfterMs(key: string): number {
    const recent = this.#recent(key);
    if (recent.length < this.#options.maxFailures) return 0;
    const oldest = recent[recent.length - this.#options.maxFailures]!;
    return Math.max(1, oldest.at + this.#options.windowMs - this.#options.clock());
  }

  /** Counts an attempt for `key` now, or says how long to wait when its budget is spent. */
  reserve(key: string): Attempt {
    return reserveAll([[this, key]]);
  }

  /** Adds a mark without checking: callers checked (see `reserveAll`). */
  mark(key: string): () => void {
    const mark: Mark = { at: this.#options.clock() };
    const recent = this.#recent(key);
    recent.push(mark);
    // Re-inserted so the map's order is least recently used first.
    this.#marks.delete(key);
    this.#marks.set(key, recent);
    if (this.#marks.size > this.#options.maxKeys) {
      const oldestKey = this.#marks.keys().next().value;
      if (oldestKey !== undefined) this.#marks.delete(oldestKey);
    }
    return () => {
      const marks = this.#marks.get(key);
      const index = marks?.indexOf(mark) ?? -1;
      if (index >= 0) marks!.splice(index, 1);
    };
  }

  #recent(key: string): Mark[] {
    const since = this.#options.clock() - this.#options.windowMs;
    const kept = (this.#marks.get(key) ?? []).filter((mark) => mark.at > since);
    if (kept.length === 0) this.#marks.delete(key);
    else this.#marks.set(key, kept);
    return kept;
  }
}

/**
 * Reserves one attempt in every budget, or none: the wait is the longest of the budgets that
 * are spent. Synchronous, so no other attempt can slip in between the check and the count.
 */
export function reserveAll(budgets: readonly (readonly [FailureRateLimiter, string])[]): Attempt {
  const retryAfterMs = Math.max(0, ...budgets.map(([limiter, key]) => limiter.retryAfterMs(key)));
  if (retryAfterMs > 0) return { ok: false, retryAfterMs };
  const releases = budgets.map(([limiter, key]) => limiter.mark(key));
  return { ok: true, release: () => releases.forEach((release) => release()) };
}
