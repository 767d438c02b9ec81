import { describe, expect, it } from "vitest";
import { createBackoff } from "./backoff.js";

describe("reconnect backoff", () => {
  it("retries at once after a drop, then waits within a window doubling from 250 ms to the max", () => {
    const top = createBackoff({ maxMs: 30_000, random: () => 0.999999 });
    const windows = Array.from({ length: 10 }, () => top.next());
    expect(windows[0]).toBe(0);
    expect(windows.slice(1)).toEqual([249, 499, 999, 1999, 3999, 7999, 15999, 29999, 29999]);
  });

  it("uses full jitter: any delay from 0 up to the window", () => {
    const bottom = createBackoff({ maxMs: 30_000, random: () => 0 });
    expect(Array.from({ length: 6 }, () => bottom.next())).toEqual([0, 0, 0, 0, 0, 0]);
    const middle = createBackoff({ maxMs: 30_000, random: () => 0.5 });
    expect(Array.from({ length: 4 }, () => middle.next())).toEqual([0, 125, 250, 500]);
  });

  it("never exceeds the max and stays a whole number, even after many failures", () => {
    const backoff = createBackoff({ maxMs: 1_000 });
    for (let i = 0; i < 5_000; i++) {
      const delay = backoff.next();
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(1_000);
      expect(Number.isInteger(delay)).toBe(true);
    }
    expect(backoff.attempts).toBe(5_000);
  });

  it("spreads many agents instead of retrying together", () => {
    const delays = Array.from({ length: 200 }, () => {
      const backoff = createBackoff({ maxMs: 30_000 });
      for (let i = 0; i < 6; i++) backoff.next();
      return backoff.next();
    });
    expect(new Set(delays).size).toBeGreaterThan(150);
  });

  it("honours a max below the first window (tests use tiny ones)", () => {
    const backoff = createBackoff({ maxMs: 50, random: () => 0.999999 });
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([0, 49, 49]);
  });

  it("after a rate limit (4029) waits in the upper half of the longest window, never at once", () => {
    const low = createBackoff({ maxMs: 30_000, random: () => 0 });
    const high = createBackoff({ maxMs: 30_000, random: () => 0.999999 });
    expect(low.slowDown()).toBe(15_000);
    expect(high.slowDown()).toBe(29_999);
    expect(low.attempts).toBe(1);
    // The next ordinary failure continues the schedule: not at once either.
    expect(createBackoff({ maxMs: 30_000, random: () => 0.999999 }).next()).toBe(0);
    const after = createBackoff({ maxMs: 30_000, random: () => 0.999999 });
    after.slowDown();
    expect(after.next()).toBe(249);
  });

  it("starts over after a successful connection", () => {
    const backoff = createBackoff({ maxMs: 30_000, random: () => 0.999999 });
    backoff.next();
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(0);
    expect(backoff.next()).toBe(249);
  });
});
