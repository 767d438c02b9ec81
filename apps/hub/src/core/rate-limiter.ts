import type { Clock } from "./clock.js";

export interface RateLimiterOptions {
  /** Failures allowed inside the window before the key is blocked. */
  maxFailures: number;
  windowMs: number;
  clock: Clock;
  /** Keys tracked at most; the oldest are dropped first so memory stays bounded. */
  maxKeys?: number;
}

/**
 * Counts failures per key (a client address) in a sliding window. Only failures count, so a
 * user who gets it right is never slowed down; a guesser is stopped after `maxFailures`.
 */
export class FailureRateLimiter {
  readonly #failures = new Map<string, number[]>();
  readonly #options: Required<RateLimiterOptions>;

  constructor(options: RateLimiterOptions) {
    this.#options = { maxKeys: 10_000, ...options };
  }

  /** Milliseconds until `key` may try again, or 0 when it is not blocked. */
  retryAfterMs(key: string): number {
    const recent = this.#recent(key);
    if (recent.length < this.#options.maxFailures) return 0;
    const oldest = recent[recent.length - this.#options.maxFailures]!;
    return Math.max(1, oldest + this.#options.windowMs - this.#options.clock());
  }

  recordFailure(key: string): void {
    const recent = this.#recent(key);
    recent.push(this.#options.clock());
    this.#failures.delete(key);
    this.#failures.set(key, recent);
    if (this.#failures.size > this.#options.maxKeys) {
      const oldestKey = this.#failures.keys().next().value;
      if (oldestKey !== undefined) this.#failures.delete(oldestKey);
    }
  }

  #recent(key: string): number[] {
    const since = this.#options.clock() - this.#options.windowMs;
    const kept = (this.#failures.get(key) ?? []).filter((at) => at > since);
    if (kept.length === 0) this.#failures.delete(key);
    return kept;
  }
}
