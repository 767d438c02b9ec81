import { z } from "@hono/zod-openapi";
import { ID_MAX } from "./limits.js";

/** A gigabyte as the cap counts it: 10^9 bytes (what operators read on a bill), not GiB. */
export const BYTES_PER_GB = 1_000_000_000;

export const RETENTION_DAYS_MAX = 3650;
/** 100 TB a day: anything above is a typo, not a cap. */
export const DAILY_VOLUME_GB_MAX = 100_000;
/** 1 kB: the smallest cap that still lets one insight through. */
export const DAILY_VOLUME_GB_MIN = 0.000001;
export const SHARED_FROM_MAX = 100;
export const SECURITY_ENABLED_FOR_MAX = 1000;
export const SECURITY_ACCOUNT_NAME_MAX = 100;
/** Days of usage one `GET /tenants/{id}/usage` answers at most (and what the hub keeps). */
export const USAGE_DAYS_MAX = 400;

const tenantIds = (max: number) => z.array(z.string().min(1).max(ID_MAX)).max(max);

export const SecurityAccountSchema = z
  .object({
    name: z.string().trim().min(1, "must not be empty").max(SECURITY_ACCOUNT_NAME_MAX),
    /** The accounts whose SIEM features this security account turns on (existing tenants). */
    enabledFor: tenantIds(SECURITY_ENABLED_FOR_MAX),
  })
  .strict()
  .openapi("SecurityAccount");
export type SecurityAccount = z.infer<typeof SecurityAccountSchema>;

const fields = {
  /** Insights created longer ago are purged at the hub and at the agent; null keeps them forever. */
  retentionDays: z.number().int().min(1).max(RETENTION_DAYS_MAX).nullable(),
  /** Insight bytes the hub accepts from this tenant per UTC day; past it batches wait at the agent. */
  dailyVolumeGb: z.number().min(DAILY_VOLUME_GB_MIN, `must be at least ${DAILY_VOLUME_GB_MIN} (1 kB)`).max(DAILY_VOLUME_GB_MAX),
  /** Off: users of parent organizations cannot Connect to it or change its insights (they still see its status). */
  accessibleByParent: z.boolean(),
  /** Off: its insights leave the parent's federated list, board and dashboards. */
  searchableFromParent: z.boolean(),
  /** On: per-day insight count and bytes are kept (USAGE_DAYS_MAX days) and charted. */
  utilizationMetrics: z.boolean(),
  /** Organizations whose dashboards and saved searches this one may use. */
  sharedObjectsFrom: tenantIds(SHARED_FROM_MAX),
  /** A security account turning the SIEM features on for the accounts chosen; null: none. */
  securityAccount: SecurityAccountSchema.nullable(),
};

/** `GET /tenants/{id}/settings`: every field, defaults filled in. */
export const TenantSettingsSchema = z.object(fields).openapi("TenantSettings");
export type TenantSettings = z.infer<typeof TenantSettingsSchema>;

/**
 * What a tenant has until someone changes it. `retentionDays` is null (keep forever): a hub that
 * upgrades must not start deleting insights nobody asked it to delete, and the demo's generated
 * history reaches back further than any default short enough to matter.
 */
export const DEFAULT_TENANT_SETTINGS: TenantSettings = {
  retentionDays: null,
  dailyVolumeGb: 1,
  accessibleByParent: true,
  searchableFromParent: true,
  utilizationMetrics: false,
  sharedObjectsFrom: [],
  securityAccount: null,
};

/** Body of `PATCH /tenants/{id}/settings`: the fields to change, at least one; unknown fields are refused. */
export const TenantSettingsPatchSchema = z
  .object({
    retentionDays: fields.retentionDays.optional(),
    dailyVolumeGb: fields.dailyVolumeGb.optional(),
    accessibleByParent: fields.accessibleByParent.optional(),
    searchableFromParent: fields.searchableFromParent.optional(),
    utilizationMetrics: fields.utilizationMetrics.optional(),
    sharedObjectsFrom: fields.sharedObjectsFrom.optional(),
    securityAccount: fields.securityAccount.optional(),
  })
  .strict()
  .refine((body) => Object.values(body).some((value) => value !== undefined), { message: "give at least one setting to change" })
  .openapi("TenantSettingsPatch");
export type TenantSettingsPatch = z.input<typeof TenantSettingsPatchSchema>;

/** One UTC day of accepted insights. */
export const UsageDaySchema = z
  .object({
    day: z.string().openapi({ example: "2025-03-14", description: "UTC day, YYYY-MM-DD" }),
    count: z.number().int().nonnegative(),
    bytes: z.number().int().nonnegative(),
  })
  .openapi("UsageDay");
export type UsageDay = z.infer<typeof UsageDaySchema>;

/** `GET /tenants/{id}/usage`: today against the cap, and the days kept (utilization metrics on). */
export const TenantUsageSchema = z
  .object({
    tenantId: z.string(),
    dailyVolumeGb: z.number(),
    capBytes: z.number().int().positive(),
    utilizationMetrics: z.boolean(),
    today: UsageDaySchema.extend({
      /** The cap is reached: further batches wait at the agent until `resetsAt`. */
      capReached: z.boolean(),
      resetsAt: z.string().openapi({ format: "date-time" }),
    }),
    /** Oldest first, days without insights included as zero; only today while metrics are off. */
    days: z.array(UsageDaySchema),
  })
  .openapi("TenantUsage");
export type TenantUsage = z.infer<typeof TenantUsageSchema>;

export const TenantUsageQuerySchema = z.object({
  days: z.coerce.number().int().min(1).max(USAGE_DAYS_MAX).default(30),
});

/** The cap in bytes (whole bytes, at least 1). */
export function capBytesOf(dailyVolumeGb: number): number {
  return Math.max(1, Math.round(dailyVolumeGb * BYTES_PER_GB));
}

/** `YYYY-MM-DD` of the UTC day `ms` falls in. */
export function utcDayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The start of the next UTC day after `ms`, in epoch ms. */
export function nextUtcMidnight(ms: number): number {
  const day = new Date(ms);
  return Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate() + 1);
}
