import { IdParamSchema, InsightLocalIdSchema, TenantInsightResultSchema, insightJson } from "@canopy/api";
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { isoAt } from "../../core/clock.js";
import { problems } from "../../core/problem-error.js";
import { requireTenant } from "../../domain/tenants.js";
import type { HubEnv } from "../context.js";
import { authProblems, jsonContent, problemResponses } from "../route-helpers.js";


const TenantInsightParamSchema = IdParamSchema.extend({
  localId: z
    .string()
    .refine((value) => InsightLocalIdSchema.safeParse(value).success, "not an insight id (1-128 of A-Z a-z 0-9 . _ : -)")
    .openapi({ param: { name: "localId", in: "path" }, example: "sig-2024-0001" }),
});

const get = createRoute({
  method: "get",
  path: "/tenants/{id}/insights/{localId}",
  operationId: "getTenantInsight",
  tags: ["insights", "tenants"],
  summary: "One insight fetched live from the tenant's agent (Open in tenant)",
  description: "409 when the agent is not connected, 404 when the agent does not hold the insight, 504 when it does not answer in time.",
  request: { params: TenantInsightParamSchema },
  responses: {
    200: jsonContent(TenantInsightResultSchema, "The insight as the agent holds it now"),
    ...authProblems,
    ...problemResponses(404, 409, 422, 502, 504),
  },
});

export function insightTenantRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(get, async (c) => {
    const hub = c.get("hub");
    const { id, localId } = c.req.valid("param");
    const tenant = await requireTenant(hub.data.tenants, id);
    const answer = await hub.gateway.call(id, "insight.get", { id: localId });
    if (!answer.found || !answer.insight) throw problems.notFound(`insight ${localId} on the tenant's agent`);
    return c.json({ tenantId: id, tenantName: tenant.name, fetchedAt: isoAt(hub.clock()), insight: insightJson(answer.insight) }, 200);
  });
}
