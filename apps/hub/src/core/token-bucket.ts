/**
 * A token bucket: `rate` tokens a second, holding at most `burst`. Taking more than it holds
 * leaves a debt, and the debt says how long the taker must wait: what already arrived cannot be
 * refused, but the next read can be put off until the budget has paid for it.
 */
export class TokenBucket {
  readonly rate: number;
  readonly burst: number;
  #tokens: number;
  #at: number;

  /** `now` in milliseconds, from a monotonic clock. */
  constructor(rate: number, burst: number, now: number) {
    this.rate = rate;
    this.burst = burst;
    this.#tokens = burst;
    this.#at = now;
  }

  /** Takes `n` tokens (a negative `n` gives back); returns the milliseconds until the bucket is out of debt (0: within budget). */
  take(n: number, now: number): number {
    this.#refill(now);
    this.#tokens = Math.min(this.burst, this.#tokens - n);
    return this.#tokens >= 0 ? 0 : (-this.#tokens / this.rate) * 1000;
  }

  /** Tokens held now (negative while in debt). */
  level(now: number): number {
    this.#refill(now);
    return this.#tokens;
  }

  /** Holds its whole burst: indistinguishable from a bucket made now. */
  full(now: number): boolean {
    return this.level(now) >= this.burst;
  }

  #refill(now: number): void {
    if (now > this.#at) this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.rate);
    this.#at = Math.max(this.#at, now);
  }
}
