import {
  ID_MAX,
  InsightBulkResultSchema,
  InsightBulkSchema,
  InsightDetailSchema,
  InsightListQuerySchema,
  InsightListSchema,
  InsightPatchResultSchema,
  InsightPatchSchema,
} from "@canopy/api";
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { refuseClosedTenant, tenantOfId } from "../../orgs/closed-tenants.js";
import { inScope } from "../../orgs/org-scope.js";
import { principalOf, scopeOf, type HubEnv } from "../context.js";
import { authProblems, jsonBody, jsonContent, problemResponses } from "../route-helpers.js";
import { insightTenantRoutes } from "./insight-tenant-routes.js";

const tags = ["insights"];

/** The hub's insight id, `<tenantId>~<localId>` (a tenant-local id is at most 128 characters). */
const InsightIdParamSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(ID_MAX + 129)
    .openapi({ param: { name: "id", in: "path" }, example: "tnt_4mS0aZ2kq9Lw1xYb~sig-2024-0001" }),
});

const list = createRoute({
  method: "get",
  path: "/insights",
  operationId: "listInsights",
  tags,
  summary: "Every tenant's insights: filter, search, sort and page",
  description:
    "The hub's federated copy, as acknowledged by each tenant's agent (`pending` shows changes on their way). " +
    "List filters take `a,b` or repeated parameters; `q` matches the start of words in title, rule, hosts, users, techniques and id; " +
    "`from`/`to` bound `timeField`. `total` counts every match over all pages.",
  request: { query: InsightListQuerySchema },
  responses: { 200: jsonContent(InsightListSchema, "A page of insights"), ...authProblems, ...problemResponses(422) },
});

const get = createRoute({
  method: "get",
  path: "/insights/{id}",
  operationId: "getInsight",
  tags,
  summary: "One insight as the hub holds it: description, comments, detail fields",
  request: { params: InsightIdParamSchema },
  responses: { 200: jsonContent(InsightDetailSchema, "The insight"), ...authProblems, ...problemResponses(404) },
});

const patch = createRoute({
  method: "patch",
  path: "/insights/{id}",
  operationId: "updateInsight",
  tags,
  summary: "Change status, assignee, or add a comment; the tenant's agent applies it",
  description:
    "Stored as a pending update (it survives a hub restart) and sent to the tenant's agent at once when it is connected " +
    "(`pending.delivery: sent`), else when it reconnects (`queued`). The insight keeps its acknowledged values until the agent's " +
    "ack; `insight.updated` on the live feed follows. A field already at the asked value is left out.",
  request: { params: InsightIdParamSchema, body: jsonBody(InsightPatchSchema) },
  responses: {
    202: jsonContent(InsightPatchResultSchema, "Accepted: the insight with its change in `pending`"),
    ...authProblems,
    ...problemResponses(404, 409, 422),
  },
});

const bulk = createRoute({
  method: "post",
  path: "/insights/bulk",
  operationId: "bulkUpdateInsights",
  tags,
  summary: "The same change to many insights, of any tenants",
  description:
    "Like `PATCH /insights/{id}` for each known id (one pending update each; insights of a tenant without a connected agent are queued). " +
    "`accepted` counts the known ids, `sent` and `queued` the updates made (an insight already at the asked values needs none).",
  request: { body: jsonBody(InsightBulkSchema) },
  responses: { 202: jsonContent(InsightBulkResultSchema, "Accepted"), ...authProblems, ...problemResponses(422) },
});

export function insightRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(list, async (c) => {
    const hub = c.get("hub");
    return c.json(await hub.insights.list(c.req.valid("query"), await hub.insightVisibility.tenantIds(scopeOf(c))), 200);
  });

  api.openapi(get, async (c) => c.json(await c.get("hub").insights.detail(c.req.valid("param").id), 200));

  api.openapi(patch, async (c) => {
    const summary = await c.get("hub").insights.update(c.req.valid("param").id, c.req.valid("json"), principalOf(c).actor);
    return c.json(summary, 202);
  });

  api.openapi(bulk, async (c) => {
    const { ids, ...change } = c.req.valid("json");
    const hub = c.get("hub");
    // Only tenants the caller may see are named; the rest are "not found" in the answer.
    await refuseClosedTenant(hub, principalOf(c).orgId, ids.map((id) => tenantOfId("insight", id)).filter((tenantId) => inScope(scopeOf(c), tenantId)));
    return c.json(await hub.insights.bulk(ids, change, principalOf(c).actor, await hub.insightVisibility.tenantIds(scopeOf(c))), 202);
  });

  insightTenantRoutes(api);
}
