import { ApiKeyCreateSchema, ApiKeyCreatedSchema, ApiKeyListSchema, IdParamSchema } from "@canopy/api";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { problems } from "../../core/problem-error.js";
import { newApiKey } from "../../domain/api-keys.js";
import type { ApiKeyRecord } from "../../domain/records.js";
import { principalOf, type HubEnv } from "../context.js";
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
  return { id: record.id, name: record.name, role: record.role, createdBy: record.createdBy, createdAt: record.createdAt };
}

export function apiKeyRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(create, async (c) => {
    const hub = c.get("hub");
    const actor = principalOf(c).actor;
    const { name, role = "operator" } = c.req.valid("json");
    const { key, record } = newApiKey(name, role, actor, hub.clock);
    // The key is shown once: it must not be lost to a crash after the caller saw it.
    await hub.data.write(async (tx) => {
      await tx.apiKeys.insert(record);
      await tx.audit.record({ actor, action: "api-key.create", target: `api-key:${record.id}`, detail: { name, role } });
    });
    return c.json({ ...toJson(record), key }, 201);
  });

  api.openapi(list, async (c) => c.json({ items: (await c.get("hub").data.apiKeys.list()).map(toJson), nextCursor: null }, 200));

  api.openapi(remove, async (c) => {
    const hub = c.get("hub");
    const { id } = c.req.valid("param");
    const actor = principalOf(c).actor;
    await hub.data.write(async (tx) => {
      const found = await tx.apiKeys.get(id);
      if (!found || !(await tx.apiKeys.delete(id))) throw problems.notFound(`API key ${id}`);
      // A key's dashboards are its own (never its creator's): they go with it, counted in the audit.
      const dashboards = await tx.dashboards.deleteAllOf(id);
      await tx.audit.record({ actor, action: "api-key.delete", target: `api-key:${id}`, detail: { name: found.name, dashboards } });
    });
    return c.body(null, 204);
  });
}
