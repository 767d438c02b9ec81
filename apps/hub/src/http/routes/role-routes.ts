import { BUILT_IN_ROLES, CUSTOM_ROLES_MAX, isKnownRole, permissionsOf, PERMISSIONS, ROLE_ALIASES, RoleCreateSchema, RoleInfoSchema, RoleListSchema, RoleNameParamSchema, type RoleInfo } from "@canopy/api";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { isoAt } from "../../core/clock.js";
import { problems } from "../../core/problem-error.js";
import type { RoleRecord } from "../../domain/records.js";
import { roleKey } from "../../domain/role-repository.js";
import { principalOf, type HubEnv } from "../context.js";
import { authProblems, jsonBody, jsonContent, problemResponses } from "../route-helpers.js";

const list = createRoute({
  method: "get",
  path: "/roles",
  operationId: "listRoles",
  tags: ["users"],
  summary: "Every role: built in, the earlier versions' aliases, and custom ones, with their permissions",
  responses: { 200: jsonContent(RoleListSchema, "The roles"), ...authProblems },
});

const create = createRoute({
  method: "post",
  path: "/roles",
  operationId: "createRole",
  tags: ["users"],
  summary: "Define a custom role: a set of permissions",
  request: { body: jsonBody(RoleCreateSchema) },
  responses: { 201: jsonContent(RoleInfoSchema, "Created"), ...authProblems, ...problemResponses(409, 422) },
});

const remove = createRoute({
  method: "delete",
  path: "/roles/{name}",
  operationId: "deleteRole",
  tags: ["users"],
  summary: "Delete a custom role; users who hold it keep only what their other roles give",
  request: { params: RoleNameParamSchema },
  responses: { 204: { description: "Deleted" }, ...authProblems, ...problemResponses(404, 409) },
});

/** In the order of PERMISSIONS, so lists read the same everywhere. */
const ordered = (allowed: ReadonlySet<string>) => PERMISSIONS.filter((permission) => allowed.has(permission));

const customInfo = (role: RoleRecord): RoleInfo => ({ name: role.name, builtIn: false, alias: false, permissions: ordered(new Set(role.permissions)) });

export function roleRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(list, async (c) => {
    const builtIn = Object.keys(BUILT_IN_ROLES).map((name) => ({ name, builtIn: true, alias: false, permissions: ordered(permissionsOf([name])) }));
    const aliases = Object.keys(ROLE_ALIASES).map((name) => ({ name, builtIn: true, alias: true, permissions: ordered(permissionsOf([name])) }));
    const custom = (await c.get("hub").data.roles.all()).map(customInfo);
    return c.json({ items: [...builtIn, ...aliases, ...custom], nextCursor: null }, 200);
  });

  api.openapi(create, async (c) => {
    const hub = c.get("hub");
    const actor = principalOf(c).actor;
    const { name, permissions } = c.req.valid("json");
    if ([...Object.keys(BUILT_IN_ROLES), ...Object.keys(ROLE_ALIASES)].some((builtIn) => roleKey(builtIn) === roleKey(name)) || isKnownRole(name)) {
      throw problems.conflict("role_exists", `"${name}" is a built-in role`);
    }
    const role: RoleRecord = { id: roleKey(name), name, permissions: ordered(new Set(permissions)), createdBy: actor, createdAt: isoAt(hub.clock()) };
    await hub.data.write(async (tx) => {
      if ((await tx.roles.all()).length >= CUSTOM_ROLES_MAX) throw problems.conflict("too_many_roles", `a hub keeps at most ${CUSTOM_ROLES_MAX} custom roles; delete one first`);
      await tx.roles.insert(role);
      await tx.audit.record({ actor, action: "role.create", target: `role:${role.name}`, detail: { permissions: role.permissions } });
    });
    return c.json(customInfo(role), 201);
  });

  api.openapi(remove, async (c) => {
    const hub = c.get("hub");
    const actor = principalOf(c).actor;
    const { name } = c.req.valid("param");
    if (isKnownRole(name)) throw problems.conflict("built_in_role", `"${name}" is built in and cannot be deleted`);
    await hub.data.write(async (tx) => {
      const role = await tx.roles.get(name);
      if (!role || !(await tx.roles.delete(name))) throw problems.notFound(`role ${name}`);
      await tx.audit.record({ actor, action: "role.delete", target: `role:${role.name}`, detail: { permissions: role.permissions } });
    });
    return c.body(null, 204);
  });
}
