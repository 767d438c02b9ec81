import type { Clock } from "../core/clock.js";
import { addressKeys } from "../core/network-key.js";
import { FailureRateLimiter, reserveAll, type Attempt } from "../core/rate-limiter.js";

const FIVE_MINUTES = 5 * 60 * 1000;

/**
 * Failed pairings allowed per five minutes. A guess is a guess at every outstanding code at
 * once, so the hub-wide budget is what bounds the chance of hitting any one code: at most
 * 100 × 12 × 24 = 28,800 guesses a day against 32^8 = 2^40 codes, so a code living the
 * default 15 minutes is hit with a chance under 3e-10, and one living the longest allowed
 * (7 days) under 2e-7. Per host and per network the budgets keep one guesser from spending the
 * hub's budget alone (it takes at least four /24s to spend it).
 */
export const PAIRING_BUDGETS = {
  host: { maxFailures: 10, windowMs: FIVE_MINUTES },
  network: { maxFailures: 30, windowMs: FIVE_MINUTES },
  hub: { maxFailures: 100, windowMs: FIVE_MINUTES },
} as const;

const HUB = "*";

/** Pairings waiting for attempts in flight to settle, at most; past it a pairing is refused at once. */
const MAX_WAITING = 256;

/** A pairing attempt under way: `release` if its code was good; `end` when it is over, either way. */
export type PairingAttempt = { ok: true; release(): void; end(): void } | { ok: false; retryAfterMs: number };

export interface PairingBudgetOptions {
  clock: Clock;
  /** Called once per window when the hub-wide budget is spent (pairing then waits for everyone). */
  onHubBudgetSpent?: (retryAfterMs: number) => void;
}

/**
 * Budgets for pairing attempts: per host (IPv4 address, IPv6 /64), per network (IPv4 /24, IPv6
 * /48) and hub-wide. An attempt reserves one unit in all three before the code is checked and
 * gives it back only when it pairs, so neither concurrency nor many source addresses get more
 * checks than the budgets. When the hub-wide budget is spent, a correct code waits too: telling
 * it apart from a guess means checking it, and that check is exactly what the budget limits.
 */
export class PairingBudget {
  readonly #host: FailureRateLimiter;
  readonly #network: FailureRateLimiter;
  readonly #hub: FailureRateLimiter;
  readonly #options: PairingBudgetOptions;
  #hubSpentUntil = 0;
  /** Attempts reserved and not yet over: their units may still come back. */
  #inFlight = 0;
  #waiting: (() => void)[] = [];

  constructor(options: PairingBudgetOptions) {
    this.#options = options;
    this.#host = new FailureRateLimiter({ ...PAIRING_BUDGETS.host, clock: options.clock });
    this.#network = new FailureRateLimiter({ ...PAIRING_BUDGETS.network, clock: options.clock });
    this.#hub = new FailureRateLimiter({ ...PAIRING_BUDGETS.hub, clock: options.clock, maxKeys: 1 });
  }

  reserve(clientAddress: string): Attempt {
    const { host, network } = addressKeys(clientAddress);
    const attempt = reserveAll([
      [this.#host, host],
      [this.#network, network],
      [this.#hub, HUB],
    ]);
    if (!attempt.ok) this.#noteHubSpent();
    return attempt;
  }

  /**
   * `reserve`, but when the budgets are spent only because attempts are still being checked
   * (their codes are looked up asynchronously, and a good one gives its unit back), waits for
   * them rather than refuse: fifty agents pairing at once from one host are not fifty guesses.
   */
  async acquire(clientAddress: string): Promise<PairingAttempt> {
    for (;;) {
      const attempt = this.reserve(clientAddress);
      if (attempt.ok) {
        this.#inFlight++;
        let over = false;
        return {
          ok: true,
          // A good code's unit is back now: whoever waits for one need not wait for the pairing's write.
          release: () => {
            attempt.release();
            this.#wakeWaiting();
          },
          end: () => {
            if (over) return;
            over = true;
            this.#inFlight--;
            this.#wakeWaiting();
          },
        };
      }
      if (this.#inFlight === 0 || this.#waiting.length >= MAX_WAITING) return attempt;
      await new Promise<void>((wake) => this.#waiting.push(wake));
    }
  }

  #wakeWaiting(): void {
    for (const wake of this.#waiting.splice(0)) wake();
  }

  #noteHubSpent(): void {
    const waitMs = this.#hub.retryAfterMs(HUB);
    const now = this.#options.clock();
    if (waitMs === 0 || now < this.#hubSpentUntil) return;
    this.#hubSpentUntil = now + waitMs;
    this.#options.onHubBudgetSpent?.(waitMs);
  }
}
