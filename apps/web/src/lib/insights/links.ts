import type { InsightSummary } from "$lib/api";

/** The tenant's Connect view on this insight, fetched live from its agent. */
export const tenantInsightHref = (insight: Pick<InsightSummary, "tenantId" | "localId">): string =>
  `/nodes/${encodeURIComponent(insight.tenantId)}?insight=${encodeURIComponent(insight.localId)}`;

/** The hub's copy of a tenant's insight (hub id `<tenantId>~<localId>`). */
export const hubInsightHref = (tenantId: string, localId: string): string => `/insights/${encodeURIComponent(`${tenantId}~${localId}`)}`;
