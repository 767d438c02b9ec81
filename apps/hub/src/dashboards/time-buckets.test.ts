import { describe, expect, it } from "vitest";
import { MAX_BUCKETS, bucketStarts, floorTo, unitFor } from "./time-buckets.js";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe("time buckets", () => {
  it("floors to the bucket start in UTC; weeks start on Monday", () => {
    const t = at("2030-01-17T13:47:12.345Z"); // a Thursday
    expect(iso(floorTo("minute", t))).toBe("2030-01-17T13:47:00.000Z");
    expect(iso(floorTo("hour", t))).toBe("2030-01-17T13:00:00.000Z");
    expect(iso(floorTo("day", t))).toBe("2030-01-17T00:00:00.000Z");
    expect(iso(floorTo("week", t))).toBe("2030-01-14T00:00:00.000Z");
    expect(iso(floorTo("week", at("2030-01-14T00:00:00Z")))).toBe("2030-01-14T00:00:00.000Z");
    expect(iso(floorTo("week", at("2030-01-13T23:59:59Z")))).toBe("2030-01-07T00:00:00.000Z");
  });

  it("the finest unit within MAX_BUCKETS", () => {
    const end = at("2030-01-15T12:00:00Z");
    const hour = 3_600_000;
    expect(unitFor(end - hour, end)).toBe("minute");
    expect(unitFor(end - 24 * hour, end)).toBe("hour");
    expect(unitFor(end - 7 * 24 * hour, end)).toBe("hour");
    expect(unitFor(end - 30 * 24 * hour, end)).toBe("day");
    expect(unitFor(end - 365 * 24 * hour, end)).toBe("week");
    expect(unitFor(end - 20 * 365 * 24 * hour, end)).toBe("week");
    expect(bucketStarts("hour", end - 7 * 24 * hour, end).length).toBeLessThanOrEqual(MAX_BUCKETS);
  });

  it("every bucket from the one holding `from` up to `to`, at least one", () => {
    expect(bucketStarts("hour", at("2030-01-15T09:30:00Z"), at("2030-01-15T12:00:00Z")).map(iso)).toEqual([
      "2030-01-15T09:00:00.000Z",
      "2030-01-15T10:00:00.000Z",
      "2030-01-15T11:00:00.000Z",
    ]);
    expect(bucketStarts("day", at("2030-01-15T12:00:00Z"), at("2030-01-15T12:00:00Z")).map(iso)).toEqual(["2030-01-15T00:00:00.000Z"]);
  });
});
