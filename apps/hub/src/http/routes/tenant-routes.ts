import {
  IdParamSchema,
  ROOT_ORG_ID,
  TenantCreatedSchema,
  TenantCreateSchema,
  TenantListQuerySchema,
  TenantListSchema,
  TenantPatchSchema,
  TenantSchema,
} from "@canopy/api";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { deleteTenant } from "../../domain/tenant-lifecycle.js";
import { updateTenant } from "../../domain/tenants.js";
import { problems } from "../../core/problem-error.js";
import { createOrganization } from "../../orgs/create-organization.js";
import { capabilitiesOf } from "../../orgs/capabilities.js";
import { checkRolesAfterMove } from "../../orgs/roles-after-move.js";
import { checkMove, parentFor, refuseOwnOrg } from "../../orgs/organizations.js";
import { parentOrgOf } from "../../orgs/org-scope.js";
import { principalOf, scopeOf, type HubEnv } from "../context.js";
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
  summary: "Create a tenant: a child organization of the root or of a child MSP; with `owner`, their one-time invite link",
  request: { body: jsonBody(TenantCreateSchema) },
  responses: { 201: jsonContent(TenantCreatedSchema, "Created"), ...authProblems, ...problemResponses(409, 422) },
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
  summary: "Edit name, description or tags, or move it under another parent",
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
  api.openapi(list, async (c) => c.json(await c.get("hub").views.list(c.req.valid("query"), scopeOf(c)), 200));

  api.openapi(create, async (c) => {
    const created = await createOrganization(c.get("hub"), scopeOf(c), principalOf(c).actor, c.req.valid("json"), c.get("linkOrigin"));
    return c.json({ ...created.tenant, ...(created.ownerInviteUrl ? { ownerInviteUrl: created.ownerInviteUrl, ownerInviteExpiresAt: created.ownerInviteExpiresAt } : {}) }, 201);
  });

  api.openapi(get, async (c) => c.json(await c.get("hub").views.get(c.req.valid("param").id), 200));

  api.openapi(patch, async (c) => {
    const hub = c.get("hub");
    const { id } = c.req.valid("param");
    const change = c.req.valid("json");
    const actor = principalOf(c).actor;
    const scope = scopeOf(c);
    const now = hub.clock();
    if (change.parentId !== undefined) refuseOwnOrg(scope, id, "move");
    const parent = change.parentId === undefined ? undefined : await parentFor(hub.data.tenants, scope, change.parentId, hub.settings.rootOrgName, now);
    await hub.data.write(async (tx) => {
      if (parent) {
        const tenant = await tx.tenants.getForUpdate(id);
        if (!tenant) throw problems.notFound(`tenant ${id}`);
        await checkMove(tx.tenants, tenant, parent, (await capabilitiesOf(tx.tenants, [tenant], now)).get(id) ?? []);
        if (parent.id !== parentOrgOf(tenant)) await checkRolesAfterMove(tx, tenant, parent.id, parent.name);
      }
      const { before, after } = await updateTenant(tx.tenants, hub.clock, id, { ...change, parentId: parent && (parent.id === ROOT_ORG_ID ? null : parent.id) });
      const changed = Object.fromEntries(
        (["name", "description", "tags", "parentId"] as const)
          .filter((field) => change[field] !== undefined && JSON.stringify(before[field]) !== JSON.stringify(after[field]))
          .map((field) => [field, { from: before[field], to: after[field] }]),
      );
      await tx.audit.record({ actor, action: "tenant.update", target: `tenant:${id}`, detail: changed });
    });
    hub.publishTenant(id);
    return c.json(await hub.views.get(id), 200);
  });

  api.openapi(remove, async (c) => {
    refuseOwnOrg(scopeOf(c), c.req.valid("param").id, "delete");
    await deleteTenant(c.get("hub"), c.req.valid("param").id, principalOf(c).actor);
    return c.body(null, 204);
  });
}
