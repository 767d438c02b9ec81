import type { PushResultStatus } from "@canopy/api";
import type { ApplyStatus } from "@canopy/protocol";
import type { PushLedger } from "./push-ledger.js";
import type { ItemKey } from "./push-records.js";
import type { HeldRef, TenantState } from "./tenant-state.js";

/** An item as it travels in a batch (the body is rebuilt from the catalogue when sent). */
export interface SentItem extends HeldRef {
  pushId: string;
}

/*
 * What the reconciler records when a delivery ends, in the tenant's reported state and the
 * push's results. Rules for results that are no longer pending: an acknowledgement for a result
 * that was stopped (or superseded) while its batch was in flight records what really happened;
 * a stopped item the agent did not take goes back to its previous desired state.
 */

/** The agent's answer for one item of a batch. */
export function recordAnswer(state: TenantState, ledger: PushLedger, tenantId: string, item: SentItem, status: ApplyStatus, error?: string): void {
  state.recordOutcome(tenantId, item, status, item.pushId, error);
  const previous = ledger.result(item.pushId, tenantId, item.key)?.status;
  if (previous !== "pending" && previous !== "stopped") return;
  ledger.setResult(item.pushId, tenantId, item.key, status, status === "failed" || status === "skipped" ? (error ?? status) : undefined);
  if (previous === "stopped" && (status === "failed" || status === "skipped")) state.restoreDesired(tenantId, item.key, item.pushId);
}

/** A pending result settled without asking the agent (already held, dependency failed, body gone…). */
export function settleWithoutAgent(state: TenantState, ledger: PushLedger, pushId: string, tenantId: string, key: ItemKey, status: PushResultStatus, error?: string): void {
  if (ledger.result(pushId, tenantId, key)?.status !== "pending") return;
  ledger.setResult(pushId, tenantId, key, status, error);
  const desired = state.desired(tenantId, key);
  // Skipped (or failed) by the hub itself: remembered like a refusal, so it is not resent until a retry.
  if ((status === "failed" || status === "skipped") && desired?.pushId === pushId) {
    state.recordOutcome(tenantId, { key, kind: desired.kind, name: desired.name, revision: desired.revision, hash: desired.hash, ...(desired.remove ? { remove: true as const } : {}) }, status, pushId, error);
  }
}

/** Items of a batch that will never be answered (connection gone, timeout): a stopped one goes back. */
export function recordLost(state: TenantState, ledger: PushLedger, tenantId: string, items: readonly SentItem[]): void {
  for (const item of items) {
    if (ledger.result(item.pushId, tenantId, item.key)?.status === "stopped") state.restoreDesired(tenantId, item.key, item.pushId);
  }
}
