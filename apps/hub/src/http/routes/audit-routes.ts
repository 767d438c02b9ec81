import { AuditListSchema, AuditQuerySchema } from "@canopy/api";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { problems } from "../../core/problem-error.js";
import { inScope } from "../../orgs/org-scope.js";
import { scopeOf, type HubEnv } from "../context.js";
import { authProblems, jsonContent, problemResponses } from "../route-helpers.js";

const list = createRoute({
  method: "get",
  path: "/audit",
  operationId: "listAudit",
  tags: ["audit"],
  summary: "Who did what, when; newest first",
  request: { query: AuditQuerySchema },
  responses: { 200: jsonContent(AuditListSchema, "A page of audit entries"), ...authProblems, ...problemResponses(404, 422) },
});

export function auditRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(list, async (c) => {
    const { orgId, ...query } = c.req.valid("query");
    const scope = scopeOf(c);
    if (orgId !== undefined && !inScope(scope, orgId)) throw problems.notFound(`organization ${orgId}`);
    // One organization's own entries (the root's: those that carry none).
    const orgIds = orgId === undefined ? (scope.orgIds ?? undefined) : new Set([orgId]);
    return c.json(await c.get("hub").audit.list({ ...query, orgIds }), 200);
  });
}
