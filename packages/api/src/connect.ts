import { z } from "@hono/zod-openapi";
import { HeldItem as WireHeldItem, SystemInfo as WireSystemInfo } from "@canopy/protocol";

/** `POST /tenants/{id}/ping`: a round trip through the tenant's agent. */
export const PingResultSchema = z.object({ rttMs: z.number(), agentVersion: z.string() }).openapi("PingResult");
export type PingResult = z.infer<typeof PingResultSchema>;

/** A content item the agent holds: the wire shape unchanged, as it has no dates. */
export const HeldItemSchema = WireHeldItem;
export type HeldItem = z.infer<typeof HeldItemSchema>;

/**
 * `system.info` as the API shows it: the wire shape (@canopy/protocol `SystemInfo`) with its Date
 * fields as the ISO strings JSON turns them into. `connect.test.ts` fails if the wire shape
 * gains a date this does not convert.
 */
export const SystemInfoSchema = WireSystemInfo.extend({
  startedAt: z.string().openapi({ format: "date-time" }),
  connectedSince: z.string().nullable().openapi({ format: "date-time" }),
}).openapi("SystemInfo");
export type SystemInfo = z.infer<typeof SystemInfoSchema>;

export function systemInfoJson(info: WireSystemInfo): SystemInfo {
  return { ...info, startedAt: info.startedAt.toISOString(), connectedSince: info.connectedSince?.toISOString() ?? null };
}

/** `GET /tenants/{id}/connect`: what the tenant's agent answered, and when. */
export const ConnectResultSchema = z
  .object({ tenantId: z.string(), fetchedAt: z.string().openapi({ format: "date-time" }), info: SystemInfoSchema })
  .openapi("ConnectResult");
export type ConnectResult = z.infer<typeof ConnectResultSchema>;
