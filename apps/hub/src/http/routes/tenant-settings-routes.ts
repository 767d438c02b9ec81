import { IdParamSchema, TenantSettingsPatchSchema, TenantSettingsSchema, TenantUsageQuerySchema, TenantUsageSchema } from "@canopy/api";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { inScope } from "../../orgs/org-scope.js";
import { principalOf, scopeOf, type HubEnv } from "../context.js";
import { authProblems, jsonBody, jsonContent, problemResponses } from "../route-helpers.js";

const getSettings = createRoute({
  method: "get",
  path: "/tenants/{id}/settings",
  operationId: "getTenantSettings",
  tags: ["tenants"],
  summary: "The tenant's settings (retention, daily volume cap, access from parents, metrics, shared objects, security account)",
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(TenantSettingsSchema, "Every setting, defaults filled in"), ...authProblems, ...problemResponses(404) },
});

const patchSettings = createRoute({
  method: "patch",
  path: "/tenants/{id}/settings",
  operationId: "updateTenantSettings",
  tags: ["tenants"],
  summary: "Change some of the tenant's settings; retention and the volume cap take effect at once, at the hub and at the agent",
  request: { params: IdParamSchema, body: jsonBody(TenantSettingsPatchSchema) },
  responses: { 200: jsonContent(TenantSettingsSchema, "The settings after the change"), ...authProblems, ...problemResponses(404, 422, 503) },
});

const getUsage = createRoute({
  method: "get",
  path: "/tenants/{id}/usage",
  operationId: "getTenantUsage",
  tags: ["tenants"],
  summary: "Insights accepted per UTC day (count and bytes), against the daily volume cap",
  request: { params: IdParamSchema, query: TenantUsageQuerySchema },
  responses: { 200: jsonContent(TenantUsageSchema, "Today against the cap, and the days kept"), ...authProblems, ...problemResponses(404, 422) },
});

export function tenantSettingsRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(getSettings, async (c) => {
    const settings = await c.get("hub").tenantSettings.service.get(c.req.valid("param").id);
    return c.json(settings, 200);
  });

  api.openapi(patchSettings, async (c) => {
    const hub = c.get("hub");
    const { id } = c.req.valid("param");
    // Organizations named by the settings must be in the caller's scope: one elsewhere reads as one that never was.
    const settings = await hub.tenantSettings.service.patch(id, c.req.valid("json"), principalOf(c).actor, (orgId) => inScope(scopeOf(c), orgId));
    // Who sees its insights, and who may connect to it, may have changed.
    hub.insightVisibility.invalidate();
    return c.json(settings, 200);
  });

  api.openapi(getUsage, async (c) => {
    const usage = await c.get("hub").tenantSettings.usageOf(c.req.valid("param").id, c.req.valid("query").days);
    return c.json(usage, 200);
  });
}
