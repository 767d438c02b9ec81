import {
  IdParamSchema,
  TenantCreateSchema,
  TenantListQuerySchema,
  TenantListSchema,
  TenantPatchSchema,
  TenantSchema,
} from "@canopy/api";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { deleteTenant } from "../../domain/tenant-lifecycle.js";
import { createTenant, updateTenant } from "../../domain/tenants.js";
import { principalOf, type HubEnv } from "../context.js";
import { authProblems, jsonBody, jsonContent, problemResponses } from "../route-helpers.js";


const list = createRoute({
  method: "get",
  path: "/tenants",
  operationId: "listTenants",
  tags: ["tenants"],
  summary: "List tenants, sorted by name; page with `cursor`",
  request: { query: TenantListQuerySchema },
  responses: { 200: jsonContent(TenantListSchema, "A page of tenants"), ...authProblems, ...problemResponses(422) },
});

const create = createRoute({
  method: "post",
  path: "/tenants",
  operationId: "createTenant",
  tags: ["tenants"],
  summary: "Create a tenant",
  request: { body: jsonBody(TenantCreateSchema) },
  responses: { 201: jsonContent(TenantSchema, "Created"), ...authProblems, ...problemResponses(409, 422) },
});

const get = createRoute({
  method: "get",
  path: "/tenants/{id}",
  operationId: "getTenant",
  tags: ["tenants"],
  summary: "One tenant with its live status",
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(TenantSchema, "The tenant"), ...authProblems, ...problemResponses(404) },
});

const patch = createRoute({
  method: "patch",
  path: "/tenants/{id}",
  operationId: "updateTenant",
  tags: ["tenants"],
  summary: "Edit name, description or tags",
  request: { params: IdParamSchema, body: jsonBody(TenantPatchSchema) },
  responses: { 200: jsonContent(TenantSchema, "Updated"), ...authProblems, ...problemResponses(404, 409, 422) },
});

const remove = createRoute({
  method: "delete",
  path: "/tenants/{id}",
  operationId: "deleteTenant",
  tags: ["tenants"],
  summary: "Delete a tenant; its agent is revoked and disconnected",
  request: { params: IdParamSchema },
  responses: { 204: { description: "Deleted" }, ...authProblems, ...problemResponses(404, 409) },
});

export function tenantRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(list, async (c) => c.json(await c.get("hub").views.list(c.req.valid("query")), 200));

  api.openapi(create, async (c) => {
    const hub = c.get("hub");
    const body = c.req.valid("json");
    const actor = principalOf(c).actor;
    const tenant = await hub.data.write(async (tx) => {
      const created = await createTenant(tx.tenants, hub.clock, body);
      await tx.audit.record({
        actor,
        action: "tenant.create",
        target: `tenant:${created.id}`,
        detail: { name: created.name, tags: created.tags, parentId: created.parentId },
      });
      return created;
    });
    hub.publishTenant(tenant.id);
    return c.json(hub.views.view(tenant, undefined), 201);
  });

  api.openapi(get, async (c) => c.json(await c.get("hub").views.get(c.req.valid("param").id), 200));

  api.openapi(patch, async (c) => {
    const hub = c.get("hub");
    const { id } = c.req.valid("param");
    const change = c.req.valid("json");
    const actor = principalOf(c).actor;
    await hub.data.write(async (tx) => {
      const { before, after } = await updateTenant(tx.tenants, hub.clock, id, change);
      const changed = Object.fromEntries(
        (["name", "description", "tags"] as const)
          .filter((field) => change[field] !== undefined && JSON.stringify(before[field]) !== JSON.stringify(after[field]))
          .map((field) => [field, { from: before[field], to: after[field] }]),
      );
      await tx.audit.record({ actor, action: "tenant.update", target: `tenant:${id}`, detail: changed });
    });
    hub.publishTenant(id);
    return c.json(await hub.views.get(id), 200);
  });

  api.openapi(remove, async (c) => {
    await deleteTenant(c.get("hub"), c.req.valid("param").id, principalOf(c).actor);
    return c.body(null, 204);
  });
}
