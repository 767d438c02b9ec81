/** Smallest backoff window; the window doubles per failed attempt up to `maxMs`. */
export const RECONNECT_MIN_MS = 250;
export const DEFAULT_RECONNECT_MAX_MS = 30_000;

export interface BackoffOptions {
  /** Upper bound of any delay. */
  maxMs: number;
  /** First non-zero window. Default 250 ms. */
  minMs?: number;
  /** Source of jitter in [0, 1); injectable for tests. */
  random?: () => number;
}

export interface Backoff {
  /** Delay before the next attempt; each call counts one failed attempt. */
  next(): number;
  /**
   * Delay after the hub said this agent sent too much (close 4029): never at once, but somewhere
   * in the upper half of the longest window, so a fleet of throttled agents spreads out. Counts
   * as a failed attempt.
   */
  slowDown(): number;
  /** After a successful connection: the next drop is retried at once again. */
  reset(): void;
  /** Failed attempts since the last reset. */
  readonly attempts: number;
}

/**
 * Reconnect schedule: the first retry after a drop is immediate (a blip or a hub restart should
 * cost nothing), then "full jitter" exponential backoff: a uniform delay in [0, window) where the
 * window doubles from `minMs` to `maxMs`. Full jitter spreads hundreds of agents that lost the
 * same hub, so they do not come back as one thundering herd.
 */
export function createBackoff(options: BackoffOptions): Backoff {
  const { maxMs, minMs = RECONNECT_MIN_MS, random = Math.random } = options;
  let attempts = 0;
  return {
    next() {
      const n = attempts++;
      if (n === 0) return 0;
      // Cap the exponent: 2 ** 40 already exceeds any sane maxMs and larger ones overflow to Infinity.
      const window = Math.min(maxMs, minMs * 2 ** Math.min(n - 1, 40));
      return Math.floor(random() * window);
    },
    slowDown() {
      attempts++;
      return Math.floor(maxMs / 2 + random() * (maxMs / 2));
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
