import { setTimeout as pause } from "node:timers/promises";

/**
 * A token bucket the fuzzer's lanes wait on: `rate` a second, at most `burst` at once. The
 * fuzzer keeps each tenant under the hub's frame budget (200 a second) so that the only budget
 * it runs into is the one it means to (bad frames), and keeps the hub busy but not saturated:
 * the healthy tenant's ping is measured meanwhile, and a hub at 100 % of a core measures the
 * fuzzer, not the hub.
 */
export class Pacer {
  #tokens: number;
  #at = performance.now();

  constructor(
    readonly rate: number,
    readonly burst: number,
  ) {
    this.#tokens = burst;
  }

  /** Waits until `n` tokens are there, and takes them (more than `burst` in turns). */
  async take(n: number): Promise<void> {
    for (; n > this.burst; n -= this.burst) await this.take(this.burst);
    for (;;) {
      const now = performance.now();
      this.#tokens = Math.min(this.burst, this.#tokens + ((now - this.#at) / 1000) * this.rate);
      this.#at = now;
      if (this.#tokens >= n) {
        this.#tokens -= n;
        return;
      }
      // Exactly as long as the bucket needs to hold `n`: a rate, not a guess at how long something takes.
      await pause(Math.ceil(((n - this.#tokens) / this.rate) * 1000));
    }
  }
}
