import { z } from "@hono/zod-openapi";
import { InsightUpdatedEventSchema, InsightsIngestedEventSchema } from "./insights.js";
import { PushProgressEventSchema } from "./pushes.js";
import { TenantSchema } from "./tenants.js";

export const TenantDeletedEventSchema = z.object({ id: z.string() });
export type TenantDeletedEvent = z.infer<typeof TenantDeletedEventSchema>;

/**
 * `GET /events` (text/event-stream): each event name with the schema of its JSON `data`.
 * `tenant.updated` follows any status, last-seen, RTT or edit change; `push.progress` follows a
 * push's counts and state as its results arrive (once they are on disk).
 */
export const liveEventSchemas = {
  "tenant.updated": TenantSchema,
  "tenant.deleted": TenantDeletedEventSchema,
  "push.progress": PushProgressEventSchema,
  "insight.updated": InsightUpdatedEventSchema,
  "insights.ingested": InsightsIngestedEventSchema,
} as const;

export type LiveEventName = keyof typeof liveEventSchemas;
export type LiveEvents = { [K in LiveEventName]: z.infer<(typeof liveEventSchemas)[K]> };
