import { describe, expect, it } from "vitest";
import { BUSY_MAX_WINDOW_MS, BUSY_WINDOW_MS, createBackoff, FIRST_RETRY_WINDOW_MS, HUB_RESTART_TRIES, HUB_RESTART_WINDOW_MS } from "./backoff.js";

describe("reconnect backoff", () => {
  it("retries within a second after a drop, then waits within a window doubling from 250 ms to the max", () => {
    const top = createBackoff({ maxMs: 30_000, random: () => 0.999999 });
    const windows = Array.from({ length: 10 }, () => top.next());
    expect(windows[0]).toBe(FIRST_RETRY_WINDOW_MS - 1);
    expect(windows.slice(1)).toEqual([249, 499, 999, 1999, 3999, 7999, 15999, 29999, 29999]);
    expect(createBackoff({ maxMs: 30_000, random: () => 0 }).next()).toBe(0);
  });

  it("spreads the first retry after a hub restart over 5 s: 10,000 agents come back at about 2,000 a second, not at once", () => {
    let seed = 1;
    // A small deterministic generator: the spread, not the generator, is under test.
    const random = () => ((seed = (seed * 48271) % 2147483647) - 1) / 2147483646;
    const delays = Array.from({ length: 10_000 }, () => createBackoff({ maxMs: 30_000, random }).hubRestarting());
    expect(Math.max(...delays)).toBeLessThan(HUB_RESTART_WINDOW_MS);
    const perSecond = Array.from({ length: 5 }, (_, s) => delays.filter((d) => d >= s * 1000 && d < (s + 1) * 1000).length);
    for (const count of perSecond) expect(count).toBeGreaterThan(1800);
    for (const count of perSecond) expect(count).toBeLessThan(2200);
    // The busiest 10 ms holds a few dozen, not thousands.
    const per10ms = new Map<number, number>();
    for (const d of delays) per10ms.set(Math.floor(d / 10), (per10ms.get(Math.floor(d / 10)) ?? 0) + 1);
    expect(Math.max(...per10ms.values())).toBeLessThan(50);
  });

  it("after the hub said it is busy (4503) never comes back at once, and waits longer while it stays busy", () => {
    const low = createBackoff({ maxMs: 30_000, random: () => 0 });
    const high = createBackoff({ maxMs: 30_000, random: () => 0.999999 });
    expect(Array.from({ length: 6 }, () => low.busy())).toEqual([250, 250, 250, 250, 250, 250]);
    expect(Array.from({ length: 6 }, () => high.busy())).toEqual([BUSY_WINDOW_MS - 1, 3999, 7999, BUSY_MAX_WINDOW_MS - 1, 15999, 15999]);
    expect(high.attempts).toBe(6);
    // Within a tiny max (tests), still not at once and never over it.
    const tiny = createBackoff({ maxMs: 50, random: () => 0 });
    expect(tiny.busy()).toBe(25);
    expect(createBackoff({ maxMs: 50, random: () => 0.999999 }).busy()).toBe(49);
  });

  it("answers a hub's first busy with the smallest busy window, however many dials failed while it was down", () => {
    const backoff = createBackoff({ maxMs: 30_000, random: () => 0.999999 });
    // The hub restarted (1001): the first retry, then six dials refused while it was still down.
    backoff.hubRestarting();
    for (let i = 0; i < 6; i++) backoff.next();
    expect(backoff.busy()).toBe(BUSY_WINDOW_MS - 1);
    expect(backoff.busy()).toBe(2 * BUSY_WINDOW_MS - 1);
    // A busy run ends with any other answer: the next busy starts small again.
    backoff.next();
    expect(backoff.busy()).toBe(BUSY_WINDOW_MS - 1);
    expect(backoff.attempts).toBe(11);
  });

  it("while a restarting hub is down retries within the restart window, not in doubling windows; then doubles as usual", () => {
    const backoff = createBackoff({ maxMs: 30_000, random: () => 0.999999 });
    expect(backoff.hubRestarting()).toBe(HUB_RESTART_WINDOW_MS - 1);
    const whileDown = Array.from({ length: HUB_RESTART_TRIES }, () => backoff.next());
    expect(new Set(whileDown)).toEqual(new Set([HUB_RESTART_WINDOW_MS - 1]));
    // Down for longer than a restart: the usual doubling from where the attempts stand, to the max.
    expect(backoff.next()).toBe(29_999);
    // Once connected, a later drop is a plain drop again.
    backoff.reset();
    expect(backoff.next()).toBe(FIRST_RETRY_WINDOW_MS - 1);
    expect(backoff.next()).toBe(249);
  });

  it("uses full jitter: any delay from 0 up to the window", () => {
    const bottom = createBackoff({ maxMs: 30_000, random: () => 0 });
    expect(Array.from({ length: 6 }, () => bottom.next())).toEqual([0, 0, 0, 0, 0, 0]);
    const middle = createBackoff({ maxMs: 30_000, random: () => 0.5 });
    expect(Array.from({ length: 4 }, () => middle.next())).toEqual([500, 125, 250, 500]);
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
    expect([backoff.next(), backoff.next(), backoff.next()]).toEqual([49, 49, 49]);
  });

  it("after a rate limit (4029) waits in the upper half of the longest window, never at once", () => {
    const low = createBackoff({ maxMs: 30_000, random: () => 0 });
    const high = createBackoff({ maxMs: 30_000, random: () => 0.999999 });
    expect(low.slowDown()).toBe(15_000);
    expect(high.slowDown()).toBe(29_999);
    expect(low.attempts).toBe(1);
    // The next ordinary failure continues the schedule: not within the first window either.
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
    expect(backoff.next()).toBe(FIRST_RETRY_WINDOW_MS - 1);
    expect(backoff.next()).toBe(249);
  });
});
