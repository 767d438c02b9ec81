import { z } from "zod";

/**
 * A tenant's accepted insights on one UTC day. Embedded: collection `insight-usage.<hex tenant>`
 * (one per tenant, at most USAGE_DAYS_MAX documents: a batch rewrites that tenant's file only),
 * id the day. PostgreSQL: the `insight_usage` table.
 */
export const UsageDayRecord = z.object({
  /** `YYYY-MM-DD` (UTC). */
  id: z.string(),
  count: z.number().int().nonnegative(),
  bytes: z.number().int().nonnegative(),
});
export type UsageDayRecord = z.infer<typeof UsageDayRecord>;

export const USAGE_COLLECTION_PREFIX = "insight-usage";

export const usageCollection = (tenantId: string) => `${USAGE_COLLECTION_PREFIX}.${Buffer.from(tenantId, "utf8").toString("hex")}`;
