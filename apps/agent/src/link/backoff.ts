/** Smallest backoff window; the window doubles per failed attempt up to `maxMs`. */
export const RECONNECT_MIN_MS = 250;
export const DEFAULT_RECONNECT_MAX_MS = 30_000;
/**
 * The first retry after a drop comes within this long, at a random moment: a blip costs at most
 * a second, and agents that lost the same hub at once (it crashed) do not all dial in the same
 * millisecond.
 */
export const FIRST_RETRY_WINDOW_MS = 1000;
/**
 * The first retry after the hub said it is going away (1001: restarting, every agent at once)
 * comes within this long: 10,000 agents arrive at ~2,000 a second instead of in one burst.
 */
export const HUB_RESTART_WINDOW_MS = 5000;
/**
 * After a 1001 the hub is expected back soon: this many dials refused meanwhile are retried
 * within `HUB_RESTART_WINDOW_MS` again rather than in doubling windows (~1 min in all), so the
 * agents are there within seconds of it listening; then the usual doubling, for a hub down longer.
 */
export const HUB_RESTART_TRIES = 24;
/**
 * After the hub said it is busy (4503: as many handshakes in progress as it takes), the next
 * attempt comes within this window, doubling per busy answer in a row up to `BUSY_MAX_WINDOW_MS`
 * (and `maxMs`), and never at once: the storm it is in spreads out instead of coming back as one.
 */
export const BUSY_WINDOW_MS = 2000;
export const BUSY_MAX_WINDOW_MS = 16_000;

export interface BackoffOptions {
  /** Upper bound of any delay. */
  maxMs: number;
  /** First non-zero window. Default 250 ms. */
  minMs?: number;
  /** Source of jitter in [0, 1); injectable for tests. */
  random?: () => number;
}

export interface Backoff {
  /**
   * Delay before the next attempt; each call counts one failed attempt. The first after a reset
   * is within `firstWindowMs` (default `FIRST_RETRY_WINDOW_MS`).
   */
  next(firstWindowMs?: number): number;
  /**
   * Delay after the hub said it is going away (1001: restarting): within `HUB_RESTART_WINDOW_MS`,
   * and so are the next `HUB_RESTART_TRIES` retries of dials it refuses while it is down.
   */
  hubRestarting(): number;
  /** Delay after the hub said it is busy (close 4503): within a window from `BUSY_WINDOW_MS` up, never at once. Counts as a failed attempt. */
  busy(): number;
  /**
   * Delay after the hub said this agent sent too much (close 4029): never at once, but somewhere
   * in the upper half of the longest window, so a fleet of throttled agents spreads out. Counts
   * as a failed attempt.
   */
  slowDown(): number;
  /** After a successful connection: the next drop is retried within the first window again. */
  reset(): void;
  /** Failed attempts since the last reset. */
  readonly attempts: number;
}

/**
 * Reconnect schedule: the first retry after a drop comes soon but at a random moment (within a
 * second; within 5 s after a hub restart), then "full jitter" exponential backoff: a uniform
 * delay in [0, window) where the window doubles from `minMs` to `maxMs`. Full jitter spreads
 * thousands of agents that lost the same hub, so they do not come back as one thundering herd.
 */
export function createBackoff(options: BackoffOptions): Backoff {
  const { maxMs, minMs = RECONNECT_MIN_MS, random = Math.random } = options;
  let attempts = 0;
  // Busy answers in a row. Not `attempts`: dials refused while a restarting hub was down must not
  // make its first busy answer a 30 s wait (the 2,000-agent restart's tail came back after 28 s).
  let busyInRow = 0;
  // Dials left to retry within the restart window (see `hubRestarting`).
  let restartTries = 0;
  return {
    next(firstWindowMs = FIRST_RETRY_WINDOW_MS) {
      busyInRow = 0;
      const n = attempts++;
      if (n === 0) return Math.floor(random() * Math.min(maxMs, firstWindowMs));
      if (restartTries > 0) {
        restartTries--;
        return Math.floor(random() * Math.min(maxMs, HUB_RESTART_WINDOW_MS));
      }
      // Cap the exponent: 2 ** 40 already exceeds any sane maxMs and larger ones overflow to Infinity.
      const window = Math.min(maxMs, minMs * 2 ** Math.min(n - 1, 40));
      return Math.floor(random() * window);
    },
    hubRestarting() {
      busyInRow = 0;
      restartTries = HUB_RESTART_TRIES;
      attempts++;
      return Math.floor(random() * Math.min(maxMs, HUB_RESTART_WINDOW_MS));
    },
    busy() {
      attempts++;
      const window = Math.min(maxMs, BUSY_MAX_WINDOW_MS, BUSY_WINDOW_MS * 2 ** busyInRow++);
      const floor = Math.min(minMs, window / 2);
      return Math.floor(floor + random() * (window - floor));
    },
    slowDown() {
      busyInRow = 0;
      attempts++;
      return Math.floor(maxMs / 2 + random() * (maxMs / 2));
    },
    reset() {
      attempts = 0;
      busyInRow = 0;
      restartTries = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
