import type { SyncState, TenantSync } from "$lib/api";

export type SyncTone = "none" | "ok" | "pending" | "bad" | "warn";
export type SyncLabelState = "not-pushed" | "synchronized" | "failed" | "drifted" | "pending" | "outdated";

export interface SyncSummary {
  state: SyncLabelState;
  tone: SyncTone;
  label: string;
}

/**
 * One line for an item's sync state over its targets: "Not pushed", "Synchronized 2/2", or what
 * keeps it from being synchronized ("1 failed · 2 pending"). Applied tenants still on an older
 * revision (after an edit or a rollback) make it "Out of date".
 */
export function summarizeSync(sync: SyncState): SyncSummary {
  if (sync.total === 0) return { state: "not-pushed", tone: "none", label: "Not pushed" };
  if (sync.synchronized) return { state: "synchronized", tone: "ok", label: `Synchronized ${sync.total}/${sync.total}` };
  const parts: string[] = [];
  if (sync.failed > 0) parts.push(`${sync.failed} failed`);
  if (sync.drifted > 0) parts.push(`${sync.drifted} drifted`);
  if (sync.pending > 0) parts.push(`${sync.pending} pending`);
  if (parts.length === 0) return { state: "outdated", tone: "warn", label: `Out of date ${sync.applied}/${sync.total}` };
  const state: SyncLabelState = sync.failed > 0 ? "failed" : sync.drifted > 0 ? "drifted" : "pending";
  return { state, tone: state === "failed" ? "bad" : state === "drifted" ? "warn" : "pending", label: parts.join(" · ") };
}

export const TENANT_SYNC_LABELS: Record<TenantSync["state"], string> = {
  applied: "Applied",
  pending: "Pending",
  failed: "Failed",
  drifted: "Drifted",
};

/** A tenant shown as applied but on another revision than the item's current one. */
export function isBehind(tenant: TenantSync, currentRevision: number): boolean {
  return tenant.state === "applied" && tenant.revision !== currentRevision;
}
