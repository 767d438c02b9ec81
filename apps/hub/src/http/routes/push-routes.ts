import {
  ContentItemParamSchema,
  DryRunPlanSchema,
  IdParamSchema,
  PushCreateSchema,
  PushCreatedSchema,
  PushListQuerySchema,
  PushListSchema,
  PushRetriedSchema,
  PushSchema,
  PushSummarySchema,
  RollbackBodySchema,
} from "@canopy/api";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { principalOf, scopeOf, type HubEnv } from "../context.js";
import { authProblems, jsonBody, jsonContent, problemResponses } from "../route-helpers.js";
import { contentHook } from "./content-hook.js";
import { pushEventRoutes } from "./push-event-routes.js";

const tags = ["pushes"];

const create = createRoute({
  method: "post",
  path: "/pushes",
  operationId: "createPush",
  tags,
  summary: "Push items to tenants, or with `dryRun` say what a push would do",
  description:
    "Durable before it answers: the desired state per tenant and a pending result per tenant and item are stored, " +
    "then delivered to connected agents in batches (offline tenants get it when they reconnect).",
  request: { body: jsonBody(PushCreateSchema) },
  responses: {
    200: jsonContent(DryRunPlanSchema, "Dry run: per tenant and item, `create`, `replace` or `unchanged`"),
    202: jsonContent(PushCreatedSchema, "Accepted; follow it with `GET /pushes/{id}` or its events"),
    ...authProblems,
    ...problemResponses(422),
  },
});

const list = createRoute({
  method: "get",
  path: "/pushes",
  operationId: "listPushes",
  tags,
  summary: "Push history, newest first; filter by `createdBy`, `tenantId`, `kind`, `itemId`, `state`",
  request: { query: PushListQuerySchema },
  responses: { 200: jsonContent(PushListSchema, "A page of pushes"), ...authProblems, ...problemResponses(422) },
});

const get = createRoute({
  method: "get",
  path: "/pushes/{id}",
  operationId: "getPush",
  tags,
  summary: "One push: what it delivers, its progress and every result (one per tenant and item)",
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(PushSchema, "The push"), ...authProblems, ...problemResponses(404) },
});

const retry = createRoute({
  method: "post",
  path: "/pushes/{id}/retry",
  operationId: "retryPush",
  tags,
  summary: "Send the push's failed and skipped items again",
  request: { params: IdParamSchema },
  responses: { 202: jsonContent(PushRetriedSchema, "Pending again"), ...authProblems, ...problemResponses(404, 409) },
});

const stop = createRoute({
  method: "post",
  path: "/pushes/{id}/stop",
  operationId: "stopPush",
  tags,
  summary: "Stop a running push: undelivered items go back to their previous desired state",
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(PushSummarySchema, "Stopped"), ...authProblems, ...problemResponses(404, 409) },
});

const rollback = createRoute({
  method: "post",
  path: "/content/{kind}/{id}/rollback",
  operationId: "rollbackContent",
  tags: ["content", ...tags],
  summary: "Put an earlier revision back on some tenants, or on every tenant that holds the item",
  description: "A push of the old revision (type `rollback` in the history). The item's current revision stays: those tenants are not synchronized until it is pushed again.",
  request: { params: ContentItemParamSchema, body: jsonBody(RollbackBodySchema) },
  responses: { 202: jsonContent(PushCreatedSchema, "Accepted"), ...authProblems, ...problemResponses(404, 409, 422) },
});

export function pushRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(create, async (c) => {
    const { pushes } = c.get("hub");
    const body = c.req.valid("json");
    if (body.dryRun) return c.json(await pushes.dryRun(body, scopeOf(c)), 200);
    const record = await pushes.push(body, principalOf(c).actor, scopeOf(c));
    return c.json({ id: record.id }, 202);
  });

  api.openapi(list, async (c) => c.json(await c.get("hub").pushes.reads.list(c.req.valid("query"), scopeOf(c).orgIds), 200));

  api.openapi(get, async (c) => {
    // Prebuilt bytes: a big push is megabytes of JSON and is polled while it runs.
    const body = await c.get("hub").pushes.reads.jsonBody(c.req.valid("param").id);
    return c.body(body, 200, { "content-type": "application/json" }) as never;
  });

  api.openapi(retry, async (c) => {
    const { id } = c.req.valid("param");
    const retried = await c.get("hub").pushes.control.retry(id, principalOf(c).actor);
    return c.json({ id, retried }, 202);
  });

  api.openapi(stop, async (c) => {
    const { pushes } = c.get("hub");
    const { id } = await pushes.control.stop(c.req.valid("param").id, principalOf(c).actor);
    // The stop was written: the history shows it (and no acknowledgement that is not durable).
    return c.json(await pushes.reads.summary(id), 200);
  });

  api.openapi(
    rollback,
    async (c) => {
      const { kind, id } = c.req.valid("param");
      const record = await c.get("hub").pushes.rollback(kind, id, c.req.valid("json"), principalOf(c).actor, scopeOf(c));
      return c.json({ id: record.id }, 202);
    },
    contentHook,
  );

  pushEventRoutes(api);
}
