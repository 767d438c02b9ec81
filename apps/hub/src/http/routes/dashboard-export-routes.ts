import { audienceOf } from "../dashboard-audience.js";
import { IdParamSchema } from "@canopy/api";
import { createRoute, z, type OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { isoAt } from "../../core/clock.js";
import { principalOf, type HubEnv } from "../context.js";
import { authProblems, problemResponses } from "../route-helpers.js";
import { attachmentDisposition } from "./content-routes.js";
import { dashboardOwner, readableDashboard } from "./dashboard-owner.js";

const XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const PDF = "application/pdf";

const FORMATS = {
  xlsx: { operationId: "exportDashboardXlsx", mediaType: XLSX, description: "A workbook: a Summary sheet, then one sheet per widget with its figures" },
  pdf: { operationId: "exportDashboardPdf", mediaType: PDF, description: "A document: each widget's title, scope and chart or table" },
} as const;
type Format = keyof typeof FORMATS;

function exportRoute(format: Format) {
  const { operationId, mediaType, description } = FORMATS[format];
  return createRoute({
    method: "get",
    path: `/dashboards/{id}/export.${format}`,
    operationId,
    tags: ["dashboards"],
    summary: `Export a dashboard with its figures now as .${format} (a download)`,
    request: { params: IdParamSchema },
    responses: {
      200: { description, content: { [mediaType]: { schema: z.string().openapi({ format: "binary" }) } } },
      ...authProblems,
      ...problemResponses(404),
    },
  });
}

async function sendExport(c: Context<HubEnv>, id: string, format: Format): Promise<Response> {
  const hub = c.get("hub");
  const owner = dashboardOwner(c);
  const dashboard = await readableDashboard(c, id);
  const audience = await audienceOf(c);
  const file = format === "xlsx" ? await hub.dashboards.figures.xlsx(dashboard, owner.label, audience) : await hub.dashboards.figures.pdf(dashboard, owner.label, audience);
  hub.audit.record({ actor: principalOf(c).actor, action: "dashboard.export", target: `dashboard:${dashboard.id}`, detail: { name: dashboard.name, format } });
  const day = isoAt(hub.clock()).slice(0, 10);
  return c.body(new Uint8Array(file.buffer as ArrayBuffer, file.byteOffset, file.byteLength), 200, {
    "Content-Type": FORMATS[format].mediaType,
    "Content-Disposition": attachmentDisposition(`${dashboard.name} ${day}`, `.${format}`),
    "Content-Length": String(file.byteLength),
  });
}

export function dashboardExportRoutes(api: OpenAPIHono<HubEnv>): void {
  // The typed route only knows c.json answers; these answer files, hence the casts.
  api.openapi(exportRoute("xlsx"), async (c) => (await sendExport(c, c.req.valid("param").id, "xlsx")) as never);
  api.openapi(exportRoute("pdf"), async (c) => (await sendExport(c, c.req.valid("param").id, "pdf")) as never);
}
