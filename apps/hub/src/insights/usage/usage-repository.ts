import type { UsageDay } from "@canopy/api";

/**
 * Reads (and trims) the per-day insight usage the insight repository counts as it stores batches
 * (`StoreOptions.countOn`). Days are `YYYY-MM-DD`, UTC; ranges are inclusive.
 */
export interface UsageRepository {
  /** The tenant's count and bytes on `day` (zero when nothing was accepted). */
  day(tenantId: string, day: string): Promise<UsageDay>;
  /** The days from `from` to `to` that have usage, oldest first. */
  days(tenantId: string, from: string, to: string): Promise<UsageDay[]>;
  /** Forgets the tenant's days before `day`; returns how many. */
  forgetBefore(tenantId: string, day: string): Promise<number>;
}
