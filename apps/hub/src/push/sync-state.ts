import type { ContentKind } from "@canopy/content";
import type { SyncReader, SyncSummary, TenantSync } from "../content/sync-reader.js";
import type { DesiredEntry, ReportedEntry } from "./push-records.js";
import type { TenantState } from "./tenant-state.js";

export interface TenantLookup {
  /** Those of `ids` that exist, by id. */
  getMany(ids: Iterable<string>): Promise<Map<string, { id: string; name: string }>>;
}

type Target = Omit<TenantSync, "tenantName"> & { desiredRevision: number };

/** One tenant's state for an item it should hold, from what its agent reported. */
export function tenantSyncState(desired: DesiredEntry, reported: ReportedEntry | undefined): Pick<TenantSync, "state" | "revision" | "error"> {
  if (reported?.hash === desired.hash) {
    return { state: reported.drifted ? "drifted" : "applied", revision: reported.revision };
  }
  if (reported?.failedHash === desired.hash) return { state: "failed", revision: desired.revision, error: reported.error ?? "failed" };
  return { state: "pending", revision: desired.revision };
}

/**
 * `SyncReader` over the desired and reported state as they are on disk (the store's `durable`
 * documents: a tenant is shown holding an item once the acknowledgement that said so is
 * durable, never before): an item's targets are the tenants whose desired state holds it; it is
 * synchronized when every one of them holds, undrifted, what was pushed from the item's current
 * revision. O(targets) per item, from memory.
 */
export class PushSyncReader implements SyncReader {
  readonly #state: TenantState;
  readonly #tenants: TenantLookup;

  constructor(state: TenantState, tenants: TenantLookup) {
    this.#state = state;
    this.#tenants = tenants;
  }

  summary(item: { id: string; revision: number }): SyncSummary {
    const summary: SyncSummary = { synchronized: false, total: 0, applied: 0, pending: 0, failed: 0, drifted: 0 };
    const current = item.revision;
    let allCurrent = true;
    for (const target of this.#targets(item.id)) {
      summary.total++;
      summary[target.state]++;
      if (target.state !== "applied" || target.desiredRevision !== current) allCurrent = false;
    }
    summary.synchronized = summary.total > 0 && allCurrent;
    return summary;
  }

  /** The targets with their names, by name; a tenant deleted a moment ago (its state not yet forgotten) is left out. */
  async detail(_kind: ContentKind, itemId: string): Promise<TenantSync[]> {
    const targets = this.#targets(itemId);
    const tenants = await this.#tenants.getMany(targets.map((target) => target.tenantId));
    return targets
      .flatMap(({ desiredRevision: _revision, ...target }) => {
        const tenant = tenants.get(target.tenantId);
        return tenant ? [{ ...target, tenantName: tenant.name }] : [];
      })
      .sort((a, b) => a.tenantName.localeCompare(b.tenantName));
  }

  #targets(itemId: string): Target[] {
    const targets: Target[] = [];
    for (const [tenantId, key] of this.#state.durableTargetsOf(itemId)) {
      const desired = this.#state.durableDesired(tenantId, key);
      if (desired?.itemId !== itemId) continue;
      const sync = tenantSyncState(desired, this.#state.durableReported(tenantId, key));
      const target: Target = { tenantId, state: sync.state, revision: sync.revision, desiredRevision: desired.revision };
      if (sync.error !== undefined) target.error = sync.error;
      targets.push(target);
    }
    return targets;
  }
}
