import type { Store } from "@canopy/store";
import type { SyncSummary } from "../content/sync-reader.js";
import { tenantOfDesired, type DesiredEntry, type ItemKey, type ReportedEntry } from "./push-records.js";
import { StateSegments } from "./state-segments.js";
import { syncSummaryOf } from "./sync-state.js";
import type { DesiredRef, ItemTarget, TenantStateChange, TenantStateDocs, TenantStateRepository } from "./tenant-state-repository.js";

const DESIRED_PREFIX = "desired.";

/**
 * Desired and reported state on the embedded store: per tenant, the partitions `desired.<tenant>`
 * and `reported.<tenant>`, each in segments (state-segments.ts), so a tenant's change rewrites a
 * few small files of its own, never the MSSP's nor all the tenant holds.
 *
 * Reads for users answer what is on disk: an index from catalogue item to the tenants whose
 * durable desired state holds it, kept by re-reading a tenant's durable entries whenever a
 * write of its desired partition lands (`Store.onDurable`), so an item's sync summary costs
 * O(its targets). `load` answers the documents as they are in memory: the working set loads a
 * tenant only when it holds no change of it that is not written yet.
 */
export class EmbeddedTenantStates implements TenantStateRepository {
  readonly #store: Store;
  readonly #desired: StateSegments<DesiredEntry>;
  readonly #reported: StateSegments<ReportedEntry>;
  /** Item id → tenant → key, over durable desired state; built on first read. */
  #byItem: Map<string, Map<string, ItemKey>> | undefined;
  /** Per tenant, what the index holds of it (key → item id), so a re-read can take it out. */
  readonly #indexed = new Map<string, Map<ItemKey, string>>();

  constructor(store: Store) {
    this.#store = store;
    this.#desired = new StateSegments(store, "desired");
    this.#reported = new StateSegments(store, "reported");
    store.onDurable(({ collections }) => {
      if (!this.#byItem) return;
      for (const tenantId of tenantsOfDesired(collections)) this.#reindex(tenantId);
    });
  }

  async load(tenantIds: readonly string[]): Promise<Map<string, TenantStateDocs>> {
    return new Map(tenantIds.map((tenantId) => [tenantId, { desired: this.#desired.all(tenantId), reported: this.#reported.all(tenantId) }]));
  }

  /** The working set let the tenants go (see `TenantState`): what was kept in memory to write them goes too. */
  release(tenantIds: Iterable<string>): void {
    for (const tenantId of tenantIds) {
      this.#desired.release(tenantId);
      this.#reported.release(tenantId);
    }
  }

  /** Tenants whose segment maps are in memory (for tests). */
  get tenantsInMemory(): number {
    return Math.max(this.#desired.tenantsInMemory, this.#reported.tenantsInMemory);
  }

  async targets(itemId: string): Promise<ItemTarget[]> {
    const tenants = (await this.#index()).get(itemId);
    if (!tenants) return [];
    const targets: ItemTarget[] = [];
    for (const [tenantId, key] of tenants) {
      const desired = this.#desired.durable(tenantId, key);
      if (desired?.itemId === itemId) targets.push({ tenantId, desired, reported: this.#reported.durable(tenantId, key) });
    }
    return targets;
  }

  async summaries(items: readonly { id: string; revision: number }[]): Promise<Map<string, SyncSummary>> {
    const summaries = new Map<string, SyncSummary>();
    for (const item of items) summaries.set(item.id, syncSummaryOf(await this.targets(item.id), item.revision));
    return summaries;
  }

  async namedPushes(): Promise<string[]> {
    await this.#index();
    const pushIds = new Set<string>();
    for (const [tenantId, keys] of this.#indexed) {
      for (const key of keys.keys()) {
        const pushId = this.#desired.durable(tenantId, key)?.pushId;
        if (pushId !== undefined) pushIds.add(pushId);
      }
    }
    return [...pushIds];
  }

  async namedBy(pushId: string): Promise<DesiredRef[]> {
    await this.#index();
    const refs: DesiredRef[] = [];
    for (const [tenantId, keys] of this.#indexed) {
      for (const key of keys.keys()) if (this.#desired.durable(tenantId, key)?.pushId === pushId) refs.push({ tenantId, key });
    }
    return refs;
  }

  async save(changes: readonly TenantStateChange[]): Promise<void> {
    for (const { tenantId, ...change } of changes) {
      if (change.forget) {
        for (const key of this.#desired.ids(tenantId)) this.#desired.delete(tenantId, key);
        for (const key of this.#reported.ids(tenantId)) this.#reported.delete(tenantId, key);
      }
      for (const key of change.deleteDesired) this.#desired.delete(tenantId, key);
      for (const entry of change.putDesired) this.#desired.put(tenantId, entry);
      for (const key of change.deleteReported) this.#reported.delete(tenantId, key);
      for (const entry of change.putReported) this.#reported.put(tenantId, entry);
    }
  }

  async #index(): Promise<Map<string, Map<string, ItemKey>>> {
    if (!this.#byItem) {
      this.#byItem = new Map();
      for (const tenantId of tenantsOfDesired(this.#store.collectionNames(DESIRED_PREFIX))) this.#reindex(tenantId);
    }
    return this.#byItem;
  }

  /**
   * The tenant's durable desired entries replace what the index held of it. Candidates are the
   * keys in memory and those indexed before (an entry deleted in memory may still be on disk).
   */
  #reindex(tenantId: string): void {
    const byItem = this.#byItem!;
    const before = this.#indexed.get(tenantId);
    // In first-desired order, so a tenant holding an item under two keys is indexed under the later.
    const keys = new Set<ItemKey>(before?.keys());
    for (const key of this.#desired.ids(tenantId)) {
      keys.delete(key);
      keys.add(key);
    }
    for (const [key, itemId] of before ?? []) {
      const tenants = byItem.get(itemId);
      if (tenants?.get(tenantId) !== key) continue;
      tenants.delete(tenantId);
      if (tenants.size === 0) byItem.delete(itemId);
    }
    const now = new Map<ItemKey, string>();
    for (const key of keys) {
      const entry = this.#desired.durable(tenantId, key);
      if (!entry) continue;
      now.set(key, entry.itemId);
      let tenants = byItem.get(entry.itemId);
      if (!tenants) byItem.set(entry.itemId, (tenants = new Map()));
      tenants.set(tenantId, key);
    }
    if (now.size > 0) this.#indexed.set(tenantId, now);
    else this.#indexed.delete(tenantId);
  }
}

/** The tenants whose desired state these collections hold (a tenant once, however many of its segments). */
function tenantsOfDesired(names: Iterable<string>): Set<string> {
  const tenants = new Set<string>();
  for (const name of names) {
    const tenantId = tenantOfDesired(name);
    if (tenantId !== undefined) tenants.add(tenantId);
  }
  return tenants;
}
