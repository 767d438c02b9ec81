export type BucketUnit = "minute" | "hour" | "day" | "week";

const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;
export const BUCKET_MS: Record<BucketUnit, number> = { minute: MINUTE, hour: 60 * MINUTE, day: DAY, week: 7 * DAY };
const UNITS: readonly BucketUnit[] = ["minute", "hour", "day", "week"];

/** Enough points for a readable line, few enough to draw and export: 1h → 60 minutes, 7d → 168 hours, 365d → 53 weeks. */
export const MAX_BUCKETS = 200;

// 1970-01-05 was a Monday: weeks start on Mondays (ISO), in UTC like every bucket.
const FIRST_MONDAY = 4 * DAY;

/** The start of the bucket holding `t` (UTC). */
export function floorTo(unit: BucketUnit, t: number): number {
  const size = BUCKET_MS[unit];
  const offset = unit === "week" ? FIRST_MONDAY : 0;
  return Math.floor((t - offset) / size) * size + offset;
}

/** The finest unit that keeps `[from, to)` within MAX_BUCKETS buckets. */
export function unitFor(from: number, to: number): BucketUnit {
  for (const unit of UNITS) {
    if (bucketCount(unit, from, to) <= MAX_BUCKETS) return unit;
  }
  return "week";
}

function bucketCount(unit: BucketUnit, from: number, to: number): number {
  return Math.max(1, Math.ceil((to - floorTo(unit, from)) / BUCKET_MS[unit]));
}

/** Every bucket start from the one holding `from` up to (not including) `to`; at least one. */
export function bucketStarts(unit: BucketUnit, from: number, to: number): number[] {
  const first = floorTo(unit, from);
  const count = bucketCount(unit, from, to);
  return Array.from({ length: count }, (_, i) => first + i * BUCKET_MS[unit]);
}
