import { AuditListSchema, AuditQuerySchema, ROOT_ORG_ID } from "@canopy/api";
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
    // The root's own entries carry no organization: asking for the root is asking for those.
    const orgIds = orgId === undefined ? (scope.orgIds ?? undefined) : orgId === ROOT_ORG_ID ? undefined : new Set([orgId]);
    return c.json(await c.get("hub").audit.list({ ...query, orgIds }), 200);
  });
}
