import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { HubServices } from "../../services.js";
import type { HubEnv } from "../context.js";
import { jsonContent, problemResponses } from "../route-helpers.js";

const InsightIndexStatusSchema = z
  .object({
    state: z.enum(["building", "ready"]).openapi({ description: "`building`: lists, boards and counts of insights wait until the index is built (hub start, embedded store)" }),
    shards: z.number().int().openapi({ description: "Insight shard files to read (embedded store; 0 on PostgreSQL)" }),
    shardsRead: z.number().int(),
    insightsRead: z.number().int(),
    insightsIndexed: z.number().int().openapi({ description: "Of those read, how many are posted; the sort orders are built after" }),
  })
  .openapi("InsightIndexStatus");

export const HubStatusSchema = z.object({ ok: z.literal(true), insightIndex: InsightIndexStatusSchema }).openapi("HubStatus");
export type HubStatus = z.infer<typeof HubStatusSchema>;

/** What /healthz and GET /status answer: the hub is up, and whether its insight index is still being built. */
export function hubStatus(hub: HubServices): HubStatus {
  const { building, ...progress } = hub.insights.repository.indexProgress();
  return { ok: true, insightIndex: { state: building ? "building" : "ready", ...progress } };
}

const status = createRoute({
  method: "get",
  path: "/status",
  operationId: "getHubStatus",
  tags: ["hub"],
  summary: "The hub is up; how far the insight index is built after a start (also at /healthz, outside the API)",
  security: [],
  responses: { 200: jsonContent(HubStatusSchema, "Up; the insight index's state"), ...problemResponses(401) },
});

export function statusRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(status, (c) => c.json(hubStatus(c.get("hub")), 200));
}
