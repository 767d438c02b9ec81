import { audienceOf } from "../dashboard-audience.js";
import { DashboardDataSchema, IdParamSchema, WidgetPreviewSchema, WidgetResultSchema, WidgetSchema } from "@canopy/api";
import { createRoute, type OpenAPIHono } from "@hono/zod-openapi";
import { problems } from "../../core/problem-error.js";
import type { HubEnv } from "../context.js";
import { authProblems, jsonBody, jsonContent, problemResponses } from "../route-helpers.js";
import { readableDashboard } from "./dashboard-owner.js";


const WidgetParamSchema = IdParamSchema.extend({
  widgetId: WidgetSchema.shape.id.openapi({ param: { name: "widgetId", in: "path" } }),
});

const data = createRoute({
  method: "get",
  path: "/dashboards/{id}/data",
  operationId: "getDashboardData",
  tags: ["dashboards"],
  summary: "Every widget's figures now, in widget order",
  request: { params: IdParamSchema },
  responses: { 200: jsonContent(DashboardDataSchema, "The figures"), ...authProblems, ...problemResponses(404) },
});

const widgetData = createRoute({
  method: "get",
  path: "/dashboards/{id}/widgets/{widgetId}/data",
  operationId: "getWidgetData",
  tags: ["dashboards"],
  summary: "One widget's figures now (its own refresh)",
  request: { params: WidgetParamSchema },
  responses: { 200: jsonContent(WidgetResultSchema, "The figures"), ...authProblems, ...problemResponses(404) },
});

const preview = createRoute({
  method: "post",
  path: "/dashboards/preview",
  operationId: "previewWidget",
  tags: ["dashboards"],
  summary: "Figures for a widget not saved yet (the edit dialog); changes nothing",
  request: { body: jsonBody(WidgetPreviewSchema) },
  responses: { 200: jsonContent(WidgetResultSchema, "The figures"), ...authProblems, ...problemResponses(422) },
});

export function dashboardDataRoutes(api: OpenAPIHono<HubEnv>): void {
  api.openapi(preview, async (c) => {
    const figures = c.get("hub").dashboards.figures;
    const { widget } = c.req.valid("json");
    const audience = await audienceOf(c);
    const errors = await figures.unknownTenants([widget], () => "widget", audience);
    if (errors.length > 0) throw problems.invalid(errors);
    return c.json(await figures.preview(widget, audience), 200);
  });

  api.openapi(data, async (c) => {
    const hub = c.get("hub");
    const dashboard = await readableDashboard(c, c.req.valid("param").id);
    return c.json(await hub.dashboards.figures.all(dashboard, await audienceOf(c)), 200);
  });

  api.openapi(widgetData, async (c) => {
    const hub = c.get("hub");
    const { id, widgetId } = c.req.valid("param");
    const dashboard = await readableDashboard(c, id);
    return c.json(await hub.dashboards.figures.widget(dashboard, widgetId, await audienceOf(c)), 200);
  });
}
