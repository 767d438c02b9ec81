import { describe, expect, it } from "vitest";
import { TokenBucket } from "./token-bucket.js";

describe("token bucket", () => {
  it("starts full, refills at its rate and never holds more than its burst", () => {
    const bucket = new TokenBucket(10, 5, 0);
    expect(bucket.take(5, 0)).toBe(0);
    expect(bucket.level(0)).toBe(0);
    expect(bucket.level(200)).toBe(2);
    expect(bucket.level(10_000)).toBe(5);
  });

  it("lets a taker run into debt and says how long the debt takes to pay", () => {
    const bucket = new TokenBucket(10, 5, 0);
    expect(bucket.take(8, 0)).toBe(300);
    expect(bucket.take(1, 100)).toBe(300);
    expect(bucket.take(1, 500)).toBe(0);
  });

  it("takes back what is given back, up to the burst", () => {
    const bucket = new TokenBucket(1, 3, 0);
    bucket.take(3, 0);
    bucket.take(-2, 0);
    expect(bucket.level(0)).toBe(2);
    bucket.take(-5, 0);
    expect(bucket.level(0)).toBe(3);
  });

  it("ignores a clock that goes back", () => {
    const bucket = new TokenBucket(10, 10, 1000);
    bucket.take(10, 1000);
    expect(bucket.level(500)).toBe(0);
    expect(bucket.level(1100)).toBe(1);
  });
});
