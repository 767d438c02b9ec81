import type { ContentKind } from "@canopy/content";
import type { SyncReader, SyncSummary, TenantSync } from "../content/sync-reader.js";
import type { DesiredEntry, ReportedEntry } from "./push-records.js";
import type { TenantStateRepository } from "./tenant-state-repository.js";

export interface TenantLookup {
  /** Those of `ids` that exist, by id. */
  getMany(ids: Iterable<string>): Promise<Map<string, { id: string; name: string }>>;
}

/** One tenant's state for an item it should hold, from what its agent reported. */
export function tenantSyncState(desired: DesiredEntry, reported: ReportedEntry | undefined): Pick<TenantSync, "state" | "revision" | "error"> {
  if (reported?.hash === desired.hash) {
    return { state: reported.drifted ? "drifted" : "applied", revision: reported.revision };
  }
  if (reported?.failedHash === desired.hash) return { state: "failed", revision: desired.revision, error: reported.error ?? "failed" };
  return { state: "pending", revision: desired.revision };
}

/** An item's sync summary from its targets' entries; `revision` is the item's current revision. */
export function syncSummaryOf(targets: Iterable<{ desired: DesiredEntry; reported: ReportedEntry | undefined }>, revision: number): SyncSummary {
  const summary: SyncSummary = { synchronized: false, total: 0, applied: 0, pending: 0, failed: 0, drifted: 0 };
  let allCurrent = true;
  for (const { desired, reported } of targets) {
    const { state } = tenantSyncState(desired, reported);
    summary.total++;
    summary[state]++;
    if (state !== "applied" || desired.revision !== revision) allCurrent = false;
  }
  summary.synchronized = summary.total > 0 && allCurrent;
  return summary;
}

/**
 * `SyncReader` over the desired and reported state as stored (a tenant is shown holding an item
 * once the acknowledgement that said so is durable, never before): an item's targets are the
 * tenants whose desired state holds it; it is synchronized when every one of them holds,
 * undrifted, what was pushed from the item's current revision. A page of items is one read.
 */
export class PushSyncReader implements SyncReader {
  readonly #states: Pick<TenantStateRepository, "summaries" | "targets">;
  readonly #tenants: TenantLookup;

  constructor(states: Pick<TenantStateRepository, "summaries" | "targets">, tenants: TenantLookup) {
    this.#states = states;
    this.#tenants = tenants;
  }

  summaries(items: readonly { id: string; revision: number }[]): Promise<Map<string, SyncSummary>> {
    return this.#states.summaries(items);
  }

  /** The targets with their names, by name; a tenant deleted a moment ago (its state not yet forgotten) is left out. */
  async detail(_kind: ContentKind, itemId: string): Promise<TenantSync[]> {
    const targets = await this.#states.targets(itemId);
    const tenants = await this.#tenants.getMany(targets.map((target) => target.tenantId));
    return targets
      .flatMap(({ tenantId, desired, reported }) => {
        const tenant = tenants.get(tenantId);
        if (!tenant) return [];
        const sync = tenantSyncState(desired, reported);
        const target: TenantSync = { tenantId, tenantName: tenant.name, state: sync.state, revision: sync.revision };
        if (sync.error !== undefined) target.error = sync.error;
        return [target];
      })
      .sort((a, b) => a.tenantName.localeCompare(b.tenantName));
  }
}
