import { ROOT_ORG_ID, ApiKeyCreateSchema, ApiKeyCreatedSchema, ApiKeyListSchema, IdParamSchema } from "@canopy/api";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { problems } from "../../core/problem-error.js";
import { newApiKey } from "../../domain/api-keys.js";
import type { ApiKeyRecord } from "../../domain/records.js";
import { checkGrant } from "../../domain/role-grants.js";
import { orgOfUser, rolesOfKey } from "../../domain/user-roles.js";
import { inScope } from "../../orgs/org-scope.js";
import { principalOf, scopeOf, type HubEnv } from "../context.js";
import { authProblems, jsonBody, jsonContent, problemResponses } from "../route-helpers.js";


const create = createRoute({
  method: "post",
  path: "/api-keys",
  operationId: "createApiKey",
  tags: ["api-keys"],
  summary: "Create an API key (the key is shown once)",
  request: { body: jsonBody(ApiKeyCreateSchema) },
  responses: { 201: jsonContent(ApiKeyCreatedSchema, "Created"), ...authProblems, ...problemResponses(422) },
});

const list = createRoute({
  method: "get",
  path: "/api-keys",
  operationId: "listApiKeys",
  tags: ["api-keys"],
  summary: "List API keys (never the keys themselves)",
  responses: { 200: jsonContent(ApiKeyListSchema, "API keys"), ...authProblems },
});

const remove = createRoute({
  method: "delete",
  path: "/api-keys/{id}",
  operationId: "deleteApiKey",
  tags: ["api-keys"],
  summary: "Revoke an API key",
  request: { params: IdParamSchema },
  responses: { 204: { description: "Revoked" }, ...authProblems, ...problemResponses(404) },
});

function toJson(record: ApiKeyRecord) {
  const roles = rolesOfKey(record);
  return {
    id: record.id,
    name: record.name,
    role: roles[0] ?? "",
    roles,
    userId: record.userId ?? null,
    createdBy: record.createdBy,
    createdAt: record.createdAt,
    lastUsedAt: record.lastUsedAt ?? null,
  };
}

export function apiKeyRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(create, async (c) => {
    const hub = c.get("hub");
    const principal = principalOf(c);
    const body = c.req.valid("json");
    // As before, a key is an operator's unless told otherwise; never stronger than its user.
    const roles = body.roles ?? [body.role ?? "operator"];
    await checkGrant(hub.data, roles, principal.permissions, body.roles ? "roles" : "role", principal.orgId);
    const { key, record } = newApiKey({ name: body.name, roles, userId: principal.userId ?? undefined, createdBy: principal.actor }, hub.clock);
    // The key is shown once: it must not be lost to a crash after the caller saw it.
    await hub.data.write(async (tx) => {
      await tx.apiKeys.insert(record);
      await tx.audit.record({ actor: principal.actor, action: "api-key.create", target: `api-key:${record.id}`, detail: { name: record.name, roles }, orgId: principal.orgId });
    });
    return c.json({ ...toJson(record), key }, 201);
  });

  api.openapi(list, async (c) => {
    const hub = c.get("hub");
    const scope = scopeOf(c);
    const keys = await hub.data.apiKeys.list();
    if (scope.orgIds === null) return c.json({ items: keys.map(toJson), nextCursor: null }, 200);
    // Keys are few (people make them by hand): their users are read, not joined.
    const owners = new Map<string, string>();
    for (const userId of new Set(keys.flatMap((key) => (key.userId === undefined ? [] : [key.userId])))) {
      const user = await hub.data.users.get(userId);
      if (user) owners.set(userId, orgOfUser(user));
    }
    const visible = keys.filter((key) => key.userId !== undefined && inScope(scope, owners.get(key.userId) ?? ROOT_ORG_ID));
    return c.json({ items: visible.map(toJson), nextCursor: null }, 200);
  });

  api.openapi(remove, async (c) => {
    const hub = c.get("hub");
    const { id } = c.req.valid("param");
    const actor = principalOf(c).actor;
    await hub.data.write(async (tx) => {
      const found = await tx.apiKeys.get(id);
      if (!found || !(await tx.apiKeys.delete(id))) throw problems.notFound(`API key ${id}`);
      // A key's dashboards are its own (never its creator's): they go with it, counted in the audit.
      const dashboards = await tx.dashboards.deleteAllOf(id);
      const savedSearches = await tx.savedSearches.deleteAllOf(id);
      await tx.audit.record({ actor, action: "api-key.delete", target: `api-key:${id}`, detail: { name: found.name, dashboards, savedSearches } });
    });
    return c.body(null, 204);
  });
}
