import { insightsApi, type InsightBulk, type InsightBulkResult, type InsightPatch, type InsightSummary } from "$lib/api";
import { toasts } from "$lib/state/toasts.svelte";
import { tenants } from "$lib/state/tenants.svelte";
import { reconcile } from "./freshness";
import { insightActivity } from "./insight-activity.svelte";

/**
 * Asks the hub to change an insight; its agent applies it and acknowledges. The answer (the
 * insight with the change `pending`) is reconciled with what the feed said meanwhile and then
 * published like a feed event, so every view showing the insight (board, list, drawer) follows.
 */
export async function changeInsight(id: string, patch: InsightPatch): Promise<InsightSummary> {
  const startSeq = insightActivity.seq;
  const answer = await insightsApi.updateInsight(id, patch);
  const shown = reconcile(answer, insightActivity.latestSince(id, startSeq));
  insightActivity.updated(shown);
  if (shown.pending?.delivery === "queued") {
    toasts.info(`${shown.tenantName || tenants.get(shown.tenantId)?.name || "The tenant"} is offline: the change is applied when its agent reconnects.`);
  }
  return shown;
}

/** The same change to many insights; says how many went out now and how many wait for their tenant. */
export async function changeInsights(body: InsightBulk): Promise<InsightBulkResult> {
  const result = await insightsApi.bulkUpdateInsights(body);
  const parts = [`${result.accepted} ${result.accepted === 1 ? "insight" : "insights"} updated`];
  if (result.sent > 0) parts.push(`${result.sent} sent to their agents`);
  if (result.queued > 0) parts.push(`${result.queued} waiting for offline tenants`);
  if (result.notFound.length > 0) parts.push(`${result.notFound.length} no longer on the hub`);
  (result.notFound.length > 0 ? toasts.info : toasts.success)(`${parts.join(", ")}.`);
  // The feed brings each insight's new pending state; reload anyway in case it was down.
  insightActivity.ingested({ tenantId: "", count: 0 });
  return result;
}
