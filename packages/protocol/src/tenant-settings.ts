import { z } from "zod";

/**
 * What a tenant's settings ask of its agent, and how the hub tells an agent that it is holding
 * back the tenant's insights (issue 12: retention and the daily volume cap).
 */

/** Longest retention the hub accepts (ten years); the agent takes the hub's word within it. */
export const RETENTION_DAYS_LIMIT = 3650;

/**
 * hub → agent, after every welcome and whenever they change: the settings the agent applies
 * itself. `retentionDays`: insights created longer ago are deleted from the agent's store (null:
 * kept forever). The agent keeps the last one it was told, so it purges while offline too.
 */
export const TenantSettingsNotice = z.object({
  type: z.literal("tenant.settings"),
  retentionDays: z.number().int().positive().max(RETENTION_DAYS_LIMIT).nullable(),
});
export type TenantSettingsNotice = z.infer<typeof TenantSettingsNotice>;

export const INSIGHT_REFUSALS = ["daily_volume_cap"] as const;

/**
 * hub → agent: batch `seq` was not stored, and nothing is lost: the agent keeps it (and every
 * later one) in its outbox and sends nothing more until `insights.resume`, a reconnect, or
 * `retryAfterMs` on its own clock, whichever comes first.
 */
export const InsightsRefused = z.object({
  type: z.literal("insights.refused"),
  seq: z.number().int().positive(),
  reason: z.enum(INSIGHT_REFUSALS),
  /** For the tenant's operator (`canopy-agent status`). */
  message: z.string().max(1024),
  /** Until the cap resets (the next UTC midnight on the hub's clock). */
  retryAfterMs: z.number().int().nonnegative(),
});
export type InsightsRefused = z.infer<typeof InsightsRefused>;

/** hub → agent: what held the insights back is over (the UTC day turned, the cap was raised): send them. */
export const InsightsResume = z.object({
  type: z.literal("insights.resume"),
});
