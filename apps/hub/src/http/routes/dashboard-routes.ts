import { DashboardCreateSchema, DashboardListSchema, DashboardPutSchema, DashboardSchema, IdParamSchema, type Widget } from "@canopy/api";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { problems } from "../../core/problem-error.js";
import { defaultWidgets } from "../../dashboards/default-widgets.js";
import { dashboardJson, type DashboardRecord } from "../../dashboards/dashboards.js";
import type { HubRepositories } from "../../domain/hub-data.js";
import { principalOf, scopeOf, type HubEnv } from "../context.js";
import { SHARED_OBJECTS_LISTED_MAX, sharedByLabels, sharingOrgsOf } from "../shared-objects.js";
import { authProblems, jsonBody, jsonContent, problemResponses } from "../route-helpers.js";
import { dashboardDataRoutes } from "./dashboard-data-routes.js";
import { dashboardExportRoutes } from "./dashboard-export-routes.js";
import { dashboardOwner, makerOf, readableDashboard } from "./dashboard-owner.js";

// Dashboards are personal: every signed-in user, viewers too, manages their own. Shared ones
// (`shared`) are read, never changed, by the users of its organization and of the organizations
// that take shared objects from it (shared-objects.ts); their figures are the reader's own.

const list = createRoute({
  method: "get",
  path: "/dashboards",
  operationId: "listDashboards",
  tags: ["dashboards"],
  summary: "Your dashboards, then the ones shared with you, read-only (the first call makes the default \"MSSP overview\" if you have none)",
  // A read that writes: the first call saves the default dashboard, which the store may refuse.
  responses: { 200: jsonContent(DashboardListSchema, "Your dashboards, oldest first, then those shared with you"), ...authProblems, ...problemResponses(503) },
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
  summary: "One of your dashboards, or one shared with you",
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(DashboardSchema, "The dashboard"), ...authProblems, ...problemResponses(404) },
});

const replace = createRoute({
  method: "put",
  path: "/dashboards/{id}",
  operationId: "replaceDashboard",
  tags: ["dashboards"],
  summary: "Save one of your dashboards: its name, every widget with its settings and layout, and whether it is shared",
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
    detail: { name: record.name, widgets: record.widgets.length, shared: record.shared ?? false, ...detail },
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
    const maker = makerOf(c);
    const own = await hub.data.write(async (tx) => {
      const { items: kept, created } = await hub.dashboards.records.listOrCreateDefault(tx.dashboards, maker);
      if (created) await audit(c, tx, "dashboard.create", created, { default: true });
      return kept;
    });
    const shared = (await hub.data.dashboards.listShared(await sharingOrgsOf(c), SHARED_OBJECTS_LISTED_MAX)).filter((d) => d.ownerId !== maker.ownerId);
    const sharedBy = await sharedByLabels(c, maker.ownerId, shared);
    return c.json({ items: [...own, ...shared].map((d) => dashboardJson(d, sharedBy(d), maker.orgId)) }, 200);
  });

  api.openapi(create, async (c) => {
    const hub = c.get("hub");
    const body = c.req.valid("json");
    const widgets = body.widgets ?? defaultWidgets();
    await checkTenants(c, widgets);
    const record = await hub.data.write(async (tx) => {
      const made = await hub.dashboards.records.create(tx.dashboards, makerOf(c), { name: body.name, widgets, shared: body.shared });
      await audit(c, tx, "dashboard.create", made);
      return made;
    });
    return c.json(dashboardJson(record, null, scopeOf(c).orgId), 201);
  });

  api.openapi(get, async (c) => {
    const record = await readableDashboard(c, c.req.valid("param").id);
    const sharedBy = await sharedByLabels(c, dashboardOwner(c).id, [record]);
    return c.json(dashboardJson(record, sharedBy(record), scopeOf(c).orgId), 200);
  });

  api.openapi(replace, async (c) => {
    const hub = c.get("hub");
    const { id } = c.req.valid("param");
    const maker = makerOf(c);
    const body = c.req.valid("json");
    await hub.dashboards.records.require(hub.data.dashboards, maker.ownerId, id);
    await checkTenants(c, body.widgets);
    const record = await hub.data.write(async (tx) => {
      const replaced = await hub.dashboards.records.replace(tx.dashboards, maker, id, body);
      await audit(c, tx, "dashboard.update", replaced);
      return replaced;
    });
    return c.json(dashboardJson(record, null, maker.orgId), 200);
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
