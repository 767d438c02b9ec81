import {
  CapabilitiesBodySchema,
  IdParamSchema,
  OrgNodeSchema,
  OwnerAddSchema,
  OwnerListSchema,
  OwnerParamSchema,
  ROOT_ORG_ID,
  TenantSchema,
  type OrgNode,
} from "@canopy/api";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { isoAt } from "../../core/clock.js";
import { problems } from "../../core/problem-error.js";
import type { TenantRecord } from "../../domain/records.js";
import { keepsAnOwner } from "../../domain/user-accounts.js";
import { orgOfUser, rolesOfUser } from "../../domain/user-roles.js";
import { capabilitiesOf, ROOT_CAPABILITIES } from "../../orgs/capabilities.js";
import { parentOrgOf } from "../../orgs/org-scope.js";
import { checkCapabilities, parentFor, refuseOwnOrg } from "../../orgs/organizations.js";
import { principalOf, scopeOf, type HubEnv } from "../context.js";
import { authProblems, jsonBody, jsonContent, problemResponses } from "../route-helpers.js";

const tree = createRoute({
  method: "get",
  path: "/orgs/tree",
  operationId: "getOrgTree",
  tags: ["organizations"],
  summary: "Your scope as a tree: the organization you work in and everything under it",
  responses: { 200: jsonContent(OrgNodeSchema, "The tree"), ...authProblems },
});

const capabilities = createRoute({
  method: "put",
  path: "/tenants/{id}/capabilities",
  operationId: "setTenantCapabilities",
  tags: ["organizations"],
  summary: "Set what a child organization may use (only what its parent holds, never past the parent's expiry)",
  request: { params: IdParamSchema, body: jsonBody(CapabilitiesBodySchema) },
  responses: { 200: jsonContent(TenantSchema, "Updated"), ...authProblems, ...problemResponses(404, 409, 422) },
});

const owners = createRoute({
  method: "get",
  path: "/tenants/{id}/owners",
  operationId: "listTenantOwners",
  tags: ["organizations"],
  summary: "The owners of an organization",
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(OwnerListSchema, "Its owners"), ...authProblems, ...problemResponses(404) },
});

const addOwner = createRoute({
  method: "post",
  path: "/tenants/{id}/owners",
  operationId: "addTenantOwner",
  tags: ["organizations"],
  summary: "Make one of the organization's users an owner (they get Manage organization)",
  request: { params: IdParamSchema, body: jsonBody(OwnerAddSchema) },
  responses: { 200: jsonContent(OwnerListSchema, "Its owners"), ...authProblems, ...problemResponses(404, 409, 422) },
});

const removeOwner = createRoute({
  method: "delete",
  path: "/tenants/{id}/owners/{userId}",
  operationId: "removeTenantOwner",
  tags: ["organizations"],
  summary: "Stop a user being an owner; refused for the last one",
  request: { params: OwnerParamSchema },
  responses: { 204: { description: "Removed" }, ...authProblems, ...problemResponses(404, 409) },
});

const FULL_ADMIN = "Manage organization";

export function orgRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(tree, async (c) => {
    const hub = c.get("hub");
    const scope = scopeOf(c);
    const tenants = scope.orgIds === null ? await hub.data.tenants.all() : [...(await hub.data.tenants.getMany(scope.orgIds)).values()];
    const held = await capabilitiesOf(hub.data.tenants, tenants, hub.clock());
    const nodes = new Map<string, OrgNode>(
      tenants.map((tenant) => [tenant.id, { id: tenant.id, name: tenant.name, kind: "tenant", capabilities: held.get(tenant.id) ?? [], needsOwner: (tenant.ownerIds ?? []).length === 0, children: [] }]),
    );
    const root: OrgNode =
      scope.orgIds === null
        ? { id: ROOT_ORG_ID, name: hub.settings.rootOrgName, kind: "root", capabilities: [...ROOT_CAPABILITIES], needsOwner: false, children: [] }
        : nodes.get(scope.orgId)!;
    for (const tenant of tenants.sort((a, b) => a.name.localeCompare(b.name))) {
      if (tenant.id === scope.orgId) continue;
      (nodes.get(parentOrgOf(tenant)) ?? root).children.push(nodes.get(tenant.id)!);
    }
    return c.json(root, 200);
  });

  api.openapi(capabilities, async (c) => {
    const hub = c.get("hub");
    const { id } = c.req.valid("param");
    const { capabilities: given } = c.req.valid("json");
    const actor = principalOf(c).actor;
    const scope = scopeOf(c);
    refuseOwnOrg(scope, id, "change the capabilities of");
    const now = hub.clock();
    await hub.data.write(async (tx) => {
      const tenant = await tx.tenants.getForUpdate(id);
      if (!tenant) throw problems.notFound(`tenant ${id}`);
      const parent = await parentFor(tx.tenants, { orgId: parentOrgOf(tenant), orgIds: null }, parentOrgOf(tenant), hub.settings.rootOrgName, now);
      const checked = checkCapabilities(given, parent, isoAt(now));
      if (!checked.some((capability) => capability.name === "msp")) {
        const child = await tx.tenants.firstChild(id);
        if (child) throw problems.conflict("tenant_has_children", `"${tenant.name}" has customers of its own (e.g. "${child.name}"): it keeps msp until they are moved`);
      }
      await tx.tenants.update({ ...tenant, capabilities: checked, updatedAt: isoAt(now) });
      await tx.audit.record({ actor, action: "tenant.capabilities", target: `tenant:${id}`, detail: { from: tenant.capabilities ?? null, to: checked } });
    });
    hub.publishTenant(id);
    return c.json(await hub.views.get(id), 200);
  });

  api.openapi(owners, async (c) => {
    const hub = c.get("hub");
    const tenant = await hub.data.tenants.get(c.req.valid("param").id);
    if (!tenant) throw problems.notFound(`tenant ${c.req.valid("param").id}`);
    return c.json({ items: await ownerList(hub.data.users.get, tenant), nextCursor: null }, 200);
  });

  api.openapi(addOwner, async (c) => {
    const hub = c.get("hub");
    const { id } = c.req.valid("param");
    const { userId } = c.req.valid("json");
    const actor = principalOf(c).actor;
    const tenant = await hub.data.write(async (tx) => {
      const org = await tx.tenants.getForUpdate(id);
      if (!org) throw problems.notFound(`tenant ${id}`);
      const user = await tx.users.get(userId);
      if (!user || orgOfUser(user) !== id) throw problems.invalid([{ path: "userId", message: `no user of "${org.name}" with id ${userId}: invite them to it first` }]);
      if (user.disabled) throw problems.conflict("user_disabled", `${user.email} is disabled: enable them first`);
      if (org.ownerIds?.includes(userId)) return org;
      const roles = rolesOfUser(user);
      if (!roles.includes(FULL_ADMIN) && !roles.includes("admin")) await tx.users.update({ ...user, roles: [...roles, FULL_ADMIN] });
      const after: TenantRecord = { ...org, ownerIds: [...(org.ownerIds ?? []), userId], updatedAt: isoAt(hub.clock()) };
      await tx.tenants.update(after);
      await tx.audit.record({ actor, action: "tenant.owner.add", target: `tenant:${id}`, detail: { userId, email: user.email } });
      return after;
    });
    hub.publishTenant(id);
    return c.json({ items: await ownerList(hub.data.users.get, tenant), nextCursor: null }, 200);
  });

  api.openapi(removeOwner, async (c) => {
    const hub = c.get("hub");
    const { id, userId } = c.req.valid("param");
    const actor = principalOf(c).actor;
    await hub.data.write(async (tx) => {
      const org = await tx.tenants.getForUpdate(id);
      if (!org) throw problems.notFound(`tenant ${id}`);
      const user = await tx.users.get(userId);
      if (!user || !org.ownerIds?.includes(userId)) throw problems.notFound(`owner ${userId}`);
      await keepsAnOwner(tx, user, undefined, "removing them as owner");
      await tx.tenants.update({ ...org, ownerIds: org.ownerIds.filter((owner) => owner !== userId), updatedAt: isoAt(hub.clock()) });
      await tx.audit.record({ actor, action: "tenant.owner.remove", target: `tenant:${id}`, detail: { userId, email: user.email } });
    });
    hub.publishTenant(id);
    return c.body(null, 204);
  });
}

async function ownerList(get: (id: string) => Promise<{ id: string; email: string } | undefined>, tenant: TenantRecord) {
  const found = await Promise.all((tenant.ownerIds ?? []).map((id) => get(id)));
  return found.flatMap((user) => (user ? [{ userId: user.id, email: user.email }] : []));
}
