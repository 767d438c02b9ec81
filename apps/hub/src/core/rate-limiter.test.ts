import { describe, expect, it } from "vitest";
import { manualClock } from "../../test/helpers.js";
import { FailureRateLimiter, reserveAll } from "./rate-limiter.js";

describe("FailureRateLimiter", () => {
  it("counts an attempt when it is reserved, forgets only a released one, and reopens after the window", () => {
    const clock = manualClock();
    const limiter = new FailureRateLimiter({ maxFailures: 3, windowMs: 1000, clock });
    const first = limiter.reserve("a");
    const second = limiter.reserve("a");
    const third = limiter.reserve("a");
    expect([first.ok, second.ok, third.ok]).toEqual([true, true, true]);
    expect(limiter.reserve("a")).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(limiter.reserve("b").ok).toBe(true);

    if (second.ok) second.release();
    if (second.ok) second.release(); // twice is harmless: it frees one slot, not two
    expect(limiter.reserve("a").ok).toBe(true);
    expect(limiter.reserve("a").ok).toBe(false);

    clock.advance(400);
    expect(limiter.retryAfterMs("a")).toBe(600);
    clock.advance(600);
    expect(limiter.retryAfterMs("a")).toBe(0);
  });

  it("reserveAll takes one attempt in every budget or in none, and waits for the longest", () => {
    const clock = manualClock();
    const address = new FailureRateLimiter({ maxFailures: 2, windowMs: 1000, clock });
    const hub = new FailureRateLimiter({ maxFailures: 3, windowMs: 5000, clock });
    expect(reserveAll([[address, "x"], [hub, "*"]]).ok).toBe(true);
    expect(reserveAll([[address, "x"], [hub, "*"]]).ok).toBe(true);
    // The address is spent: nothing is counted in the hub budget for this refusal.
    expect(reserveAll([[address, "x"], [hub, "*"]])).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(reserveAll([[address, "y"], [hub, "*"]]).ok).toBe(true);
    expect(reserveAll([[address, "z"], [hub, "*"]])).toEqual({ ok: false, retryAfterMs: 5000 });
  });
});
