import {
  ConnectResultSchema,
  IdParamSchema,
  PairingCodeCreateSchema,
  PairingCodeSchema,
  PingResultSchema,
  TenantSchema,
  systemInfoJson,
} from "@canopy/api";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { isoAt } from "../../core/clock.js";
import { unpairTenant } from "../../domain/tenant-lifecycle.js";
import { requireTenant } from "../../domain/tenants.js";
import { principalOf, type HubEnv } from "../context.js";
import { authProblems, jsonBody, jsonContent, problemResponses } from "../route-helpers.js";


const createPairingCode = createRoute({
  method: "post",
  path: "/tenants/{id}/pairing-codes",
  operationId: "createPairingCode",
  tags: ["pairing"],
  summary: "Create a one-time pairing code and the command to run on the tenant's machine",
  request: { params: IdParamSchema, body: jsonBody(PairingCodeCreateSchema, false) },
  responses: { 201: jsonContent(PairingCodeSchema, "Created; the code is shown only here"), ...authProblems, ...problemResponses(404, 422) },
});

const ping = createRoute({
  method: "post",
  path: "/tenants/{id}/ping",
  operationId: "pingTenant",
  tags: ["tenants"],
  summary: "Round trip through the tenant's agent",
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(PingResultSchema, "The agent answered"), ...authProblems, ...problemResponses(404, 409, 502, 504) },
});

const unpair = createRoute({
  method: "post",
  path: "/tenants/{id}/unpair",
  operationId: "unpairTenant",
  tags: ["pairing"],
  summary: "Revoke the tenant's agent; it is told, wipes its credentials and can never reconnect",
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(TenantSchema, "Unpaired"), ...authProblems, ...problemResponses(404, 409) },
});

const connect = createRoute({
  method: "get",
  path: "/tenants/{id}/connect",
  operationId: "getTenantSystemInfo",
  tags: ["tenants"],
  summary: "Live system information fetched from the tenant's agent",
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(ConnectResultSchema, "What the agent reported"), ...authProblems, ...problemResponses(404, 409, 502, 504) },
});

export function tenantActionRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(createPairingCode, async (c) => {
    const hub = c.get("hub");
    const { id } = c.req.valid("param");
    const ttlSeconds = c.req.valid("json").ttlSeconds ?? hub.settings.pairingTtlSeconds;
    const actor = principalOf(c).actor;
    const { code, record } = await hub.data.write(async (tx) => {
      const tenant = await requireTenant(tx.tenants, id);
      const made = await hub.pairing.create(tx.pairingCodes, tenant.id, ttlSeconds, actor);
      // Never the code itself: the audit log is readable by operators.
      await tx.audit.record({ actor, action: "pairing-code.create", target: `tenant:${tenant.id}`, detail: { expiresAt: made.record.expiresAt } });
      return made;
    });
    const origin = new URL(c.req.url).origin;
    return c.json({ code, expiresAt: record.expiresAt, command: `canopy-agent pair --hub ${origin} --code ${code}` }, 201);
  });

  api.openapi(ping, async (c) => {
    const hub = c.get("hub");
    const { id } = c.req.valid("param");
    await requireTenant(hub.data.tenants, id);
    return c.json(await hub.gateway.ping(id), 200);
  });

  api.openapi(unpair, async (c) => {
    const view = await unpairTenant(c.get("hub"), c.req.valid("param").id, principalOf(c).actor);
    return c.json(view, 200);
  });

  api.openapi(connect, async (c) => {
    const hub = c.get("hub");
    const { id } = c.req.valid("param");
    await requireTenant(hub.data.tenants, id);
    const info = await hub.gateway.call(id, "system.info", {});
    return c.json({ tenantId: id, fetchedAt: isoAt(hub.clock()), info: systemInfoJson(info) }, 200);
  });
}

