import { DashboardCreateSchema, DashboardListSchema, DashboardPutSchema, DashboardSchema, IdParamSchema, type Widget } from "@canopy/api";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { problems } from "../../core/problem-error.js";
import { defaultWidgets } from "../../dashboards/default-widgets.js";
import { dashboardJson, type DashboardRecord } from "../../dashboards/dashboards.js";
import type { HubRepositories } from "../../domain/hub-data.js";
import { principalOf, type HubEnv } from "../context.js";
import { authProblems, jsonBody, jsonContent, problemResponses } from "../route-helpers.js";
import { dashboardDataRoutes } from "./dashboard-data-routes.js";
import { dashboardExportRoutes } from "./dashboard-export-routes.js";
import { dashboardOwner } from "./dashboard-owner.js";

// Dashboards are personal: every signed-in user, viewers too, manages their own.

const list = createRoute({
  method: "get",
  path: "/dashboards",
  operationId: "listDashboards",
  tags: ["dashboards"],
  summary: "Your dashboards (the first call makes the default \"MSSP overview\" if you have none)",
  // A read that writes: the first call saves the default dashboard, which the store may refuse.
  responses: { 200: jsonContent(DashboardListSchema, "Your dashboards, oldest first"), ...authProblems, ...problemResponses(503) },
});

const create = createRoute({
  method: "post",
  path: "/dashboards",
  operationId: "createDashboard",
  tags: ["dashboards"],
  summary: "Create a dashboard (without `widgets`: one of each type)",
  request: { body: jsonBody(DashboardCreateSchema) },
  responses: { 201: jsonContent(DashboardSchema, "Created"), ...authProblems, ...problemResponses(409, 422) },
});

const get = createRoute({
  method: "get",
  path: "/dashboards/{id}",
  operationId: "getDashboard",
  tags: ["dashboards"],
  summary: "One of your dashboards",
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(DashboardSchema, "The dashboard"), ...authProblems, ...problemResponses(404) },
});

const replace = createRoute({
  method: "put",
  path: "/dashboards/{id}",
  operationId: "replaceDashboard",
  tags: ["dashboards"],
  summary: "Save a dashboard: its name and every widget with its settings and layout",
  request: { params: IdParamSchema, body: jsonBody(DashboardPutSchema) },
  responses: { 200: jsonContent(DashboardSchema, "Saved"), ...authProblems, ...problemResponses(404, 422) },
});

const remove = createRoute({
  method: "delete",
  path: "/dashboards/{id}",
  operationId: "deleteDashboard",
  tags: ["dashboards"],
  summary: "Delete one of your dashboards",
  request: { params: IdParamSchema },
  responses: { 204: { description: "Deleted" }, ...authProblems, ...problemResponses(404) },
});

function audit(c: Context<HubEnv>, tx: HubRepositories, action: string, record: DashboardRecord, detail: Record<string, unknown> = {}): Promise<void> {
  return tx.audit.record({
    actor: principalOf(c).actor,
    action,
    target: `dashboard:${record.id}`,
    detail: { name: record.name, widgets: record.widgets.length, ...detail },
  });
}

/** Chosen tenants must exist when a dashboard is saved (they may be deleted later; then they count nothing). */
async function checkTenants(c: Context<HubEnv>, widgets: readonly Widget[]): Promise<void> {
  const errors = await c.get("hub").dashboards.figures.unknownTenants(widgets, (index) => `widgets.${index}`);
  if (errors.length > 0) throw problems.invalid(errors);
}

export function dashboardRoutes(api: OpenAPIHono<HubEnv>): void {
  // Before `/dashboards/{id}`: `/dashboards/preview` is not an id.
  dashboardDataRoutes(api);
  dashboardExportRoutes(api);

  api.openapi(list, async (c) => {
    const hub = c.get("hub");
    const items = await hub.data.write(async (tx) => {
      const { items: kept, created } = await hub.dashboards.records.listOrCreateDefault(tx.dashboards, dashboardOwner(c).id);
      if (created) await audit(c, tx, "dashboard.create", created, { default: true });
      return kept;
    });
    return c.json({ items: items.map(dashboardJson) }, 200);
  });

  api.openapi(create, async (c) => {
    const hub = c.get("hub");
    const body = c.req.valid("json");
    const widgets = body.widgets ?? defaultWidgets();
    await checkTenants(c, widgets);
    const record = await hub.data.write(async (tx) => {
      const made = await hub.dashboards.records.create(tx.dashboards, dashboardOwner(c).id, { name: body.name, widgets });
      await audit(c, tx, "dashboard.create", made);
      return made;
    });
    return c.json(dashboardJson(record), 201);
  });

  api.openapi(get, async (c) => {
    const hub = c.get("hub");
    const record = await hub.dashboards.records.require(hub.data.dashboards, dashboardOwner(c).id, c.req.valid("param").id);
    return c.json(dashboardJson(record), 200);
  });

  api.openapi(replace, async (c) => {
    const hub = c.get("hub");
    const { id } = c.req.valid("param");
    const owner = dashboardOwner(c).id;
    const body = c.req.valid("json");
    await hub.dashboards.records.require(hub.data.dashboards, owner, id);
    await checkTenants(c, body.widgets);
    const record = await hub.data.write(async (tx) => {
      const replaced = await hub.dashboards.records.replace(tx.dashboards, owner, id, body);
      await audit(c, tx, "dashboard.update", replaced);
      return replaced;
    });
    return c.json(dashboardJson(record), 200);
  });

  api.openapi(remove, async (c) => {
    const hub = c.get("hub");
    await hub.data.write(async (tx) => {
      const record = await hub.dashboards.records.remove(tx.dashboards, dashboardOwner(c).id, c.req.valid("param").id);
      await audit(c, tx, "dashboard.delete", record);
    });
    return c.body(null, 204);
  });
}
