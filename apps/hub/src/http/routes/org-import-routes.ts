import { TENANT_IMPORT_LINES_MAX } from "@canopy/api";
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import { ProblemError } from "../../core/problem-error.js";
import { importOrganizations } from "../../orgs/organization-import.js";
import { principalOf, scopeOf, type HubEnv } from "../context.js";
import { authProblems, jsonContent, problemResponses } from "../route-helpers.js";

const ImportResultSchema = z
  .object({
    results: z.array(
      z.object({
        line: z.number().int().openapi({ description: "the line of the file (1 is the header)" }),
        status: z.enum(["created", "refused"]),
        id: z.string().optional(),
        name: z.string().optional(),
        error: z.string().optional(),
        ownerInviteUrl: z.string().optional().openapi({ description: "the owner's one-time link, shown once" }),
      }),
    ),
  })
  .openapi("OrganizationImportResult");

const importCsv = createRoute({
  method: "post",
  path: "/tenants/import",
  operationId: "importTenants",
  tags: ["organizations"],
  summary: `Create organizations from a CSV (name,parent,tags,owner; at most ${TENANT_IMPORT_LINES_MAX} lines): what each line made, or why not`,
  request: { body: { required: true, content: { "text/csv": { schema: z.string().openapi({ example: "name,parent,tags,owner\nAcme,,gold;eu,boss@acme.example" }) } } } },
  responses: { 200: jsonContent(ImportResultSchema, "Each line's outcome"), ...authProblems, ...problemResponses(413, 415, 422) },
});

export function orgImportRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(importCsv, async (c) => {
    const type = c.req.header("content-type") ?? "";
    if (!/^text\/csv\b/i.test(type)) throw new ProblemError(415, "unsupported_media_type", "send the file as text/csv");
    const results = await importOrganizations(c.get("hub"), scopeOf(c), principalOf(c).actor, await c.req.text(), c.get("linkOrigin"));
    return c.json({ results }, 200);
  });
}
