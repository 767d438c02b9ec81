import {
  BUILT_IN_ROLES,
  CUSTOM_ROLES_MAX,
  isKnownRole,
  permissionsOf,
  PERMISSIONS,
  ROLE_ALIASES,
  RoleCreateSchema,
  RoleDeleteQuerySchema,
  RoleInfoSchema,
  RoleListSchema,
  RoleNameParamSchema,
  ROOT_ORG_ID,
  type Permission,
  type RoleInfo,
} from "@canopy/api";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { isoAt } from "../../core/clock.js";
import { problems } from "../../core/problem-error.js";
import type { RoleRecord } from "../../domain/records.js";
import { orgOfRole, roleId, roleKey } from "../../domain/role-repository.js";
import { lineageOf } from "../../orgs/org-lineage.js";
import { inScope } from "../../orgs/org-scope.js";
import type { HubServices } from "../../services.js";
import { principalOf, scopeOf, type HubEnv } from "../context.js";
import { missingPermissions, ROUTE_ACCESS, type Access } from "../route-access.js";
import { authProblems, jsonBody, jsonContent, problemResponses } from "../route-helpers.js";

const list = createRoute({
  method: "get",
  path: "/roles",
  operationId: "listRoles",
  tags: ["users"],
  summary:
    "Every role you can see: built in, the earlier versions' aliases, and the custom ones of the organization you work in, of those above it (usable, not yours to delete) and of those under it",
  responses: { 200: jsonContent(RoleListSchema, "The roles"), ...authProblems },
});

const create = createRoute({
  method: "post",
  path: "/roles",
  operationId: "createRole",
  tags: ["users"],
  summary: "Define a custom role, a set of permissions, for the organization you work in (and those under it)",
  request: { body: jsonBody(RoleCreateSchema) },
  responses: { 201: jsonContent(RoleInfoSchema, "Created"), ...authProblems, ...problemResponses(409, 422) },
});

const remove = createRoute({
  method: "delete",
  path: "/roles/{name}",
  operationId: "deleteRole",
  tags: ["users"],
  summary:
    "Delete a custom role of the organization you work in, or of one under it (`?orgId=`); users who hold it keep only what their other roles give. A role an organization above yours defined is not found: it is theirs to delete",
  request: { params: RoleNameParamSchema, query: RoleDeleteQuerySchema },
  responses: { 204: { description: "Deleted" }, ...authProblems, ...problemResponses(404, 409, 422) },
});

/** In the order of PERMISSIONS, so lists read the same everywhere. */
const ordered = (allowed: ReadonlySet<string>) => PERMISSIONS.filter((permission) => allowed.has(permission));

const customInfo = (role: RoleRecord, orgName: string | undefined, usable: boolean, deletable: boolean): RoleInfo => ({
  name: role.name,
  builtIn: false,
  alias: false,
  permissions: ordered(new Set(role.permissions)),
  orgId: orgOfRole(role),
  ...(orgName !== undefined ? { orgName } : {}),
  usable,
  deletable,
});

/** The names of the organizations that defined `roles`, one read for all. */
async function orgNamesOf(hub: HubServices, roles: readonly RoleRecord[]): Promise<Map<string, string>> {
  const ids = new Set(roles.map(orgOfRole));
  ids.delete(ROOT_ORG_ID);
  const names = new Map([...(await hub.data.tenants.getMany(ids))].map(([id, tenant]) => [id, tenant.name]));
  names.set(ROOT_ORG_ID, hub.settings.rootOrgName);
  return names;
}

/** Whether permissions pass a route's access (the guard in `authorize` decides; this tells the UI beforehand). */
const mayCall = (permissions: ReadonlySet<Permission>, access: Access | undefined) => access !== undefined && missingPermissions(access, permissions).length === 0;

const isBuiltInName = (name: string) => isKnownRole(name) || [...Object.keys(BUILT_IN_ROLES), ...Object.keys(ROLE_ALIASES)].some((builtIn) => roleKey(builtIn) === roleKey(name));

export function roleRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(list, async (c) => {
    const hub = c.get("hub");
    const scope = scopeOf(c);
    const builtIn = Object.keys(BUILT_IN_ROLES).map((name) => ({ name, builtIn: true, alias: false, permissions: ordered(permissionsOf([name])) }));
    const aliases = Object.keys(ROLE_ALIASES).map((name) => ({ name, builtIn: true, alias: true, permissions: ordered(permissionsOf([name])) }));
    // Usable here: the working organization's and its ancestors'. Manageable: those of its scope.
    // Never a sibling's: it is neither.
    const lineage = await lineageOf(hub.data.tenants, scope.orgId);
    const defined = await hub.data.roles.definedBy(scope.orgIds === null ? null : new Set([...lineage, ...scope.orgIds]));
    // The usable ones first, nearest first (what a name means here), then those under it.
    const nearness = (role: RoleRecord) => (lineage.includes(orgOfRole(role)) ? lineage.indexOf(orgOfRole(role)) : lineage.length);
    defined.sort((a, b) => nearness(a) - nearness(b));
    const names = await orgNamesOf(hub, defined);
    const mayDelete = mayCall(principalOf(c).permissions, ROUTE_ACCESS.deleteRole);
    const custom = defined.map((role) => {
      const orgId = orgOfRole(role);
      return customInfo(role, names.get(orgId), lineage.includes(orgId), mayDelete && inScope(scope, orgId));
    });
    return c.json({ items: [...builtIn, ...aliases, ...custom], nextCursor: null }, 200);
  });

  api.openapi(create, async (c) => {
    const hub = c.get("hub");
    const actor = principalOf(c).actor;
    const { orgId } = scopeOf(c);
    const { name, permissions } = c.req.valid("json");
    if (isBuiltInName(name)) throw problems.conflict("role_exists", `"${name}" is a built-in role`);
    const role: RoleRecord = {
      id: roleId(orgId, name),
      name,
      ...(orgId !== ROOT_ORG_ID ? { orgId } : {}),
      permissions: ordered(new Set(permissions)),
      createdBy: actor,
      createdAt: isoAt(hub.clock()),
    };
    await hub.data.write(async (tx) => {
      if ((await tx.roles.countOf(orgId)) >= CUSTOM_ROLES_MAX) {
        throw problems.conflict("too_many_roles", `an organization keeps at most ${CUSTOM_ROLES_MAX} custom roles; delete one first`);
      }
      await tx.roles.insert(role);
      await tx.audit.record({ actor, action: "role.create", target: `role:${role.name}`, detail: { permissions: role.permissions }, orgId });
    });
    return c.json(customInfo(role, await orgNameOf(hub, orgId), true, true), 201);
  });

  api.openapi(remove, async (c) => {
    const hub = c.get("hub");
    const actor = principalOf(c).actor;
    const scope = scopeOf(c);
    const { name } = c.req.valid("param");
    const orgId = c.req.valid("query").orgId ?? scope.orgId;
    if (isKnownRole(name)) throw problems.conflict("built_in_role", `"${name}" is built in and cannot be deleted`);
    // Outside the scope (a sibling's, or an ancestor's) reads as missing: the same answer whether
    // the organization or the role exists or not.
    const notFound = () => problems.notFound(`role ${name} in organization ${orgId}`);
    if (!inScope(scope, orgId)) throw notFound();
    await hub.data.write(async (tx) => {
      const role = await tx.roles.get(orgId, name);
      if (!role || !(await tx.roles.delete(orgId, name))) throw notFound();
      await tx.audit.record({ actor, action: "role.delete", target: `role:${role.name}`, detail: { permissions: role.permissions }, orgId });
    });
    return c.body(null, 204);
  });
}

async function orgNameOf(hub: HubServices, orgId: string): Promise<string | undefined> {
  return orgId === ROOT_ORG_ID ? hub.settings.rootOrgName : (await hub.data.tenants.get(orgId))?.name;
}
