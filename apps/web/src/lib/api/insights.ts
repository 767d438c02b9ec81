// The federated insights of every tenant: the hub's copy (list, detail), changes written back to
// the tenant by its agent (PATCH, bulk), and one insight fetched live from the agent.
import { request, type RequestOptions } from "./client";
import type {
  InsightBulk,
  InsightBulkResult,
  InsightDetail,
  InsightList,
  InsightListQueryInput,
  InsightPatch,
  InsightSummary,
  TenantInsightResult,
} from "@canopy/api";

export type {
  InsightBulk,
  InsightBulkResult,
  InsightComment,
  InsightDetail,
  InsightList,
  InsightPatch,
  InsightPending,
  InsightSeverity,
  InsightStatus,
  InsightSummary,
  InsightTimeField,
  InsightsIngestedEvent,
  TenantInsight,
  TenantInsightResult,
} from "@canopy/api";

/** Every filter optional; lists are sent as `a,b` (the hub also takes repeated params). */
export type InsightQuery = Partial<InsightListQueryInput>;

type Signal = Pick<RequestOptions, "signal">;

const byId = (id: string) => `/insights/${encodeURIComponent(id)}`;

/** `?status=new,closed&q=…`: lists joined with commas, empty values left out. */
export function insightQueryString(query: InsightQuery): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query) as [string, unknown][]) {
    if (Array.isArray(value)) {
      const kept = value.filter((entry) => typeof entry === "string" && entry !== "");
      if (kept.length > 0) search.set(key, kept.join(","));
    } else if (value !== undefined && value !== null && value !== "") {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

export const listInsights = (query: InsightQuery = {}, options: Signal = {}) =>
  request<InsightList>("GET", `/insights${insightQueryString(query)}`, options);

export const getInsight = (id: string, options: Signal = {}) => request<InsightDetail>("GET", byId(id), options);

/** 202: the insight as the hub holds it, with the change in `pending` until the agent acknowledges it. */
export const updateInsight = (id: string, patch: InsightPatch) => request<InsightSummary>("PATCH", byId(id), { body: patch });

/** The same change to many insights of any tenants. */
export const bulkUpdateInsights = (body: InsightBulk) => request<InsightBulkResult>("POST", "/insights/bulk", { body });

/** The insight as the tenant's agent holds it now (409 when the agent is not connected, 404 when it does not have it). */
export const getTenantInsight = (tenantId: string, localId: string, options: Signal = {}) =>
  request<TenantInsightResult>("GET", `/tenants/${encodeURIComponent(tenantId)}/insights/${encodeURIComponent(localId)}`, options);
