// The dashboard routes of the hub. Shapes are @canopy/api's, as types only (no zod in the bundle).
import type {
  Dashboard,
  DashboardCreate,
  DashboardData,
  DashboardList,
  DashboardPut,
  Widget,
  WidgetResult,
} from "@canopy/api";
import { filenameFromDisposition } from "$lib/dashboards/content-disposition";
import { ApiError } from "./api-error";
import { API_BASE, request, type RequestOptions } from "./client";
import { parseProblem } from "./problem";

export type { Dashboard, DashboardData, Widget, WidgetResult };

type Signal = Pick<RequestOptions, "signal">;

const byId = (id: string) => `/dashboards/${encodeURIComponent(id)}`;

/** The user's dashboards; the hub makes a default one on the first call. */
export const listDashboards = (options: Signal = {}) => request<DashboardList>("GET", "/dashboards", options);

export const createDashboard = (input: DashboardCreate) => request<Dashboard>("POST", "/dashboards", { body: input });

export const getDashboard = (id: string, options: Signal = {}) => request<Dashboard>("GET", byId(id), options);

/** Saves the whole dashboard: its name and every widget with its layout. */
export const saveDashboard = (id: string, input: DashboardPut) => request<Dashboard>("PUT", byId(id), { body: input });

export const deleteDashboard = (id: string) => request<null>("DELETE", byId(id));

export const dashboardData = (id: string, options: Signal = {}) => request<DashboardData>("GET", `${byId(id)}/data`, options);

export const widgetData = (id: string, widgetId: string, options: Signal = {}) =>
  request<WidgetResult>("GET", `${byId(id)}/widgets/${encodeURIComponent(widgetId)}/data`, options);

/** The figures a widget would show with a config not saved yet. */
export const previewWidget = (widget: Widget, options: Signal = {}) =>
  request<WidgetResult>("POST", "/dashboards/preview", { body: { widget }, ...options });

export type ExportFormat = "xlsx" | "pdf";

export interface ExportFile {
  blob: Blob;
  filename: string;
}

/**
 * The dashboard as the hub renders it for export, with the file name it chose. Fetched (not a
 * plain link) so a refusal or a hub error can be shown on the page instead of a broken download.
 */
export async function exportDashboard(id: string, format: ExportFormat, fallbackName: string): Promise<ExportFile> {
  let response: Response;
  try {
    response = await fetch(`${API_BASE}${byId(id)}/export.${format}`, { credentials: "same-origin" });
  } catch {
    throw new ApiError(0, parseProblem(null));
  }
  if (!response.ok) {
    const text = await response.text();
    let body: unknown = null;
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = { detail: text.slice(0, 200) || null };
    }
    throw new ApiError(response.status, parseProblem(body));
  }
  const filename = filenameFromDisposition(response.headers.get("content-disposition"), `${fallbackName}.${format}`);
  return { blob: await response.blob(), filename };
}
