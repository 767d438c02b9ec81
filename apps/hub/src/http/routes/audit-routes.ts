import { AuditListSchema, AuditQuerySchema } from "@canopy/api";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { HubEnv } from "../context.js";
import { authProblems, jsonContent, problemResponses } from "../route-helpers.js";

const list = createRoute({
  method: "get",
  path: "/audit",
  operationId: "listAudit",
  tags: ["audit"],
  summary: "Who did what, when; newest first",
  request: { query: AuditQuerySchema },
  responses: { 200: jsonContent(AuditListSchema, "A page of audit entries"), ...authProblems, ...problemResponses(422) },
});

export function auditRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(list, async (c) => c.json(await c.get("hub").audit.list(c.req.valid("query")), 200));
}
