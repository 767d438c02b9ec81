import {
  IdParamSchema,
  noStrongerThan,
  type Permission,
  PasswordResetSchema,
  ROOT_ORG_ID,
  UserAccountListSchema,
  UserAccountSchema,
  UserCreateSchema,
  UserInvitedSchema,
  UserListQuerySchema,
  UserPatchSchema,
} from "@canopy/api";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { problems } from "../../core/problem-error.js";
import { inviteUrl, newInvite } from "../../domain/invites.js";
import { checkGrant } from "../../domain/role-grants.js";
import { keepsAnOwner, toAccount } from "../../domain/user-accounts.js";
import type { HubRepositories } from "../../domain/hub-data.js";
import type { UserRecord } from "../../domain/records.js";
import { usableRoles } from "../../domain/usable-roles.js";
import { orgOfUser, rolesOfUser, userPermissions } from "../../domain/user-roles.js";
import { newUser } from "../../domain/users.js";
import { inScope } from "../../orgs/org-scope.js";
import { principalOf, scopeOf, type HubEnv } from "../context.js";
import { authProblems, jsonBody, jsonContent, problemResponses } from "../route-helpers.js";

const list = createRoute({
  method: "get",
  path: "/users",
  operationId: "listUsers",
  tags: ["users"],
  summary: "The users of your organization and those under it, by email",
  request: { query: UserListQuerySchema },
  responses: { 200: jsonContent(UserAccountListSchema, "A page of users"), ...authProblems, ...problemResponses(404, 422) },
});

const get = createRoute({
  method: "get",
  path: "/users/{id}",
  operationId: "getUser",
  tags: ["users"],
  summary: "One user",
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(UserAccountSchema, "The user"), ...authProblems, ...problemResponses(404) },
});

const create = createRoute({
  method: "post",
  path: "/users",
  operationId: "createUser",
  tags: ["users"],
  summary: "Invite a user: the answer's one-time link (shown once) lets them set a password",
  request: { body: jsonBody(UserCreateSchema) },
  responses: { 201: jsonContent(UserInvitedSchema, "Invited"), ...authProblems, ...problemResponses(404, 409, 422) },
});

const patch = createRoute({
  method: "patch",
  path: "/users/{id}",
  operationId: "updateUser",
  tags: ["users"],
  summary: "Change a user's roles, or disable them (their sessions and API keys stop at once)",
  request: { params: IdParamSchema, body: jsonBody(UserPatchSchema) },
  responses: { 200: jsonContent(UserAccountSchema, "Updated"), ...authProblems, ...problemResponses(404, 409, 422) },
});

const remove = createRoute({
  method: "delete",
  path: "/users/{id}",
  operationId: "deleteUser",
  tags: ["users"],
  summary: "Delete a user, with their sessions, links, API keys, dashboards and saved searches",
  request: { params: IdParamSchema },
  responses: { 204: { description: "Deleted" }, ...authProblems, ...problemResponses(404, 409) },
});

const reset = createRoute({
  method: "post",
  path: "/users/{id}/reset",
  operationId: "resetUserPassword",
  tags: ["users"],
  summary: "A one-time link that sets a new password (shown once); earlier links stop working",
  request: { params: IdParamSchema },
  responses: { 201: jsonContent(PasswordResetSchema, "Link made"), ...authProblems, ...problemResponses(404, 409) },
});

/** No one manages an account that may do more than they may. */
async function notStronger(tx: Pick<HubRepositories, "roles" | "tenants">, user: UserRecord, mine: ReadonlySet<Permission>): Promise<void> {
  if (!noStrongerThan(userPermissions({ ...user, disabled: false }, await usableRoles(tx, orgOfUser(user), rolesOfUser(user))), mine)) {
    throw problems.forbidden(`${user.email} may do more than you may: ask someone with at least their permissions`);
  }
}

export function userRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(list, async (c) => {
    const hub = c.get("hub");
    const scope = scopeOf(c);
    const query = c.req.valid("query");
    if (query.orgId !== undefined && !inScope(scope, query.orgId)) throw problems.notFound(`organization ${query.orgId}`);
    const orgIds = query.orgId !== undefined ? new Set([query.orgId]) : (scope.orgIds ?? undefined);
    const rows = await hub.data.users.page({ orgIds, after: query.cursor, limit: query.limit });
    const items = rows.slice(0, query.limit).map(toAccount);
    return c.json({ items, nextCursor: rows.length > query.limit ? items.at(-1)!.email : null }, 200);
  });

  api.openapi(get, async (c) => {
    const user = await c.get("hub").data.users.get(c.req.valid("param").id);
    if (!user) throw problems.notFound(`user ${c.req.valid("param").id}`);
    return c.json(toAccount(user), 200);
  });

  api.openapi(create, async (c) => {
    const hub = c.get("hub");
    const principal = principalOf(c);
    const scope = scopeOf(c);
    const body = c.req.valid("json");
    const orgId = body.orgId ?? scope.orgId;
    if (!inScope(scope, orgId) || (orgId !== ROOT_ORG_ID && !(await hub.data.tenants.get(orgId)))) {
      throw problems.invalid([{ path: "orgId", message: `no organization with id ${orgId.slice(0, 100)} in your scope (GET /orgs/tree lists them)` }]);
    }
    await checkGrant(hub.data, body.roles, principal.permissions, "roles", orgId);
    const user = await newUser(body.email, null, body.roles, hub.clock, orgId);
    const { token, record } = newInvite(user.id, "invite", principal.actor, hub.clock);
    await hub.data.write(async (tx) => {
      await tx.users.insert(user);
      await tx.invites.insert(record);
      // The link's secret is never written: the audit says a link was made, and until when.
      await tx.audit.record({ actor: principal.actor, action: "user.invite", target: `user:${user.id}`, detail: { email: user.email, roles: user.roles, expiresAt: record.expiresAt }, orgId });
    });
    return c.json({ ...toAccount(user), inviteUrl: inviteUrl(c.get("linkOrigin"), token), inviteExpiresAt: record.expiresAt }, 201);
  });

  api.openapi(patch, async (c) => {
    const hub = c.get("hub");
    const principal = principalOf(c);
    const { id } = c.req.valid("param");
    const change = c.req.valid("json");
    const updated = await hub.data.write(async (tx) => {
      const before = await tx.users.get(id);
      if (!before) throw problems.notFound(`user ${id}`);
      // The roles must be usable in the user's own organization, wherever the giver works.
      if (change.roles !== undefined) await checkGrant(tx, change.roles, principal.permissions, "roles", orgOfUser(before));
      if (change.disabled === true && before.id === principal.userId) throw problems.conflict("own_account", "you cannot disable your own account");
      await notStronger(tx, before, principal.permissions);
      const after = { ...before, ...(change.roles ? { roles: change.roles } : {}), ...(change.disabled !== undefined ? { disabled: change.disabled } : {}) };
      delete after.role;
      await keepsAnOwner(tx, before, after, change.disabled ? "disabling them" : "this change of roles");
      await tx.users.update(after);
      if (after.disabled && !before.disabled) {
        await tx.sessions.deleteForUser(id);
        await tx.invites.deleteForUser(id);
      }
      await tx.audit.record({
        actor: principal.actor,
        action: change.disabled === true && !before.disabled ? "user.disable" : change.disabled === false && before.disabled ? "user.enable" : "user.update",
        target: `user:${id}`,
        detail: { email: before.email, ...(change.roles ? { roles: { from: before.roles ?? [before.role], to: change.roles } } : {}) },
        orgId: orgOfUser(before),
      });
      return after;
    });
    return c.json(toAccount(updated), 200);
  });

  api.openapi(remove, async (c) => {
    const hub = c.get("hub");
    const principal = principalOf(c);
    const { id } = c.req.valid("param");
    if (id === principal.userId) throw problems.conflict("own_account", "you cannot delete your own account");
    const keys = await hub.data.write(async (tx) => {
      const user = await tx.users.get(id);
      if (!user) throw problems.notFound(`user ${id}`);
      await notStronger(tx, user, principal.permissions);
      await keepsAnOwner(tx, user, undefined, "deleting them");
      const orgId = orgOfUser(user);
      if (orgId !== ROOT_ORG_ID) {
        const org = await tx.tenants.getForUpdate(orgId);
        if (org?.ownerIds?.includes(id)) await tx.tenants.update({ ...org, ownerIds: org.ownerIds.filter((owner) => owner !== id) });
      }
      await tx.users.delete(id);
      await tx.sessions.deleteForUser(id);
      await tx.invites.deleteForUser(id);
      const revoked = await tx.apiKeys.deleteForUser(id);
      let dashboards = await tx.dashboards.deleteAllOf(id);
      for (const keyId of revoked) dashboards += await tx.dashboards.deleteAllOf(keyId);
      let savedSearches = await tx.savedSearches.deleteAllOf(id);
      for (const keyId of revoked) savedSearches += await tx.savedSearches.deleteAllOf(keyId);
      await tx.audit.record({ actor: principal.actor, action: "user.delete", target: `user:${id}`, detail: { email: user.email, apiKeys: revoked.length, dashboards, savedSearches }, orgId });
      return revoked;
    });
    for (const keyId of keys) hub.keyUse.forget(keyId);
    return c.body(null, 204);
  });

  api.openapi(reset, async (c) => {
    const hub = c.get("hub");
    const principal = principalOf(c);
    const { id } = c.req.valid("param");
    const { token, record } = newInvite(id, "reset", principal.actor, hub.clock);
    await hub.data.write(async (tx) => {
      const user = await tx.users.get(id);
      if (!user) throw problems.notFound(`user ${id}`);
      if (user.disabled) throw problems.conflict("user_disabled", `${user.email} is disabled: enable them first`);
      await notStronger(tx, user, principal.permissions);
      await tx.invites.deleteForUser(id);
      await tx.invites.insert(record);
      await tx.audit.record({ actor: principal.actor, action: "user.reset", target: `user:${id}`, detail: { email: user.email, expiresAt: record.expiresAt }, orgId: orgOfUser(user) });
    });
    return c.json({ resetUrl: inviteUrl(c.get("linkOrigin"), token), expiresAt: record.expiresAt }, 201);
  });
}
