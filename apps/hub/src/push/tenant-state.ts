import type { ApplyStatus, ManifestEntry } from "@canopy/protocol";
import type { Collection, Store } from "@canopy/store";
import { itemKey, pushCollections, tenantOfDesired, type DesiredEntry, type DesiredValue, type ItemKey, type ReportedEntry } from "./push-records.js";

export interface HeldRef {
  key: ItemKey;
  kind: DesiredValue["kind"];
  name: string;
  revision: number;
  hash: string;
}

const sameReported = (a: ReportedEntry | undefined, b: ReportedEntry): boolean =>
  a !== undefined &&
  a.hash === b.hash &&
  a.revision === b.revision &&
  a.pushId === b.pushId &&
  a.drifted === b.drifted &&
  a.failedHash === b.failedHash &&
  a.error === b.error;

/**
 * Per tenant: the desired state (what pushes decided it should hold) and the reported state
 * (what its agent said it holds), plus an in-memory index from catalogue item to the tenants
 * whose desired state holds it, so the sync state of a listed item costs O(its targets).
 * Reported documents are only written when they change: a manifest of thousands of items that
 * matches what the hub knew costs no write at all.
 *
 * Delivery works on the live state; the sync state users are shown reads it as it is on disk
 * (`durable…`): an acknowledgement moves reported state at once, a crash before its write would
 * take it back.
 */
export class TenantState {
  readonly #store: Store;
  readonly #tenantIds: () => Iterable<string>;
  #itemIndex: Map<string, Map<string, ItemKey>> | undefined;
  /**
   * Per tenant, index entries (key → item id) gone from the live index whose removal is not
   * on disk yet (a stop, a deleted tenant): still targets as the durable state sees it. Dropped
   * once the tenant's desired state is written.
   */
  readonly #leaving = new Map<string, Map<ItemKey, string>>();

  /** `tenantIds` lists the tenants whose desired state to index (read on first use, not at start-up). */
  constructor(store: Store, tenantIds: () => Iterable<string>) {
    this.#store = store;
    this.#tenantIds = tenantIds;
    // A failed write took desired state back: the index is rebuilt from the store on next use.
    store.onRollback(({ collections }) => {
      if (collections.some((name) => name.startsWith("desired."))) {
        this.#itemIndex = undefined;
        this.#leaving.clear();
      }
    });
    store.onDurable(({ collections }) => {
      for (const name of collections) {
        const tenantId = this.#leaving.size > 0 ? tenantOfDesired(name) : undefined;
        if (tenantId !== undefined) this.#settleLeaving(tenantId);
      }
    });
  }

  desired(tenantId: string, key: ItemKey): DesiredEntry | undefined {
    return this.#desired(tenantId).get(key);
  }

  desiredEntries(tenantId: string): DesiredEntry[] {
    return this.#desired(tenantId).all();
  }

  /** Keys of the tenant's desired state, in the order they were pushed (dependencies first). */
  desiredKeys(tenantId: string): ItemKey[] {
    return this.desiredEntries(tenantId).map((entry) => entry.id);
  }

  reported(tenantId: string, key: ItemKey): ReportedEntry | undefined {
    return this.#reported(tenantId).get(key);
  }

  /** The tenants whose desired state holds catalogue item `itemId`, with the key it has there. */
  targetsOf(itemId: string): ReadonlyMap<string, ItemKey> {
    return this.#byItem.get(itemId) ?? new Map();
  }

  /** The desired entry as it is on disk. */
  durableDesired(tenantId: string, key: ItemKey): DesiredEntry | undefined {
    return this.#desired(tenantId).durable(key);
  }

  /** The reported entry as it is on disk. */
  durableReported(tenantId: string, key: ItemKey): ReportedEntry | undefined {
    return this.#reported(tenantId).durable(key);
  }

  /**
   * Candidates for the item's targets as the durable state sees them: the live ones plus those
   * whose removal is not on disk yet. The caller keeps those whose durable desired entry holds
   * the item (an entry added and not written yet has none).
   */
  durableTargetsOf(itemId: string): ReadonlyMap<string, ItemKey> {
    const live = this.targetsOf(itemId);
    if (this.#leaving.size === 0) return live;
    let targets: Map<string, ItemKey> | undefined;
    for (const [tenantId, keys] of this.#leaving) {
      for (const [key, leavingItem] of keys) {
        if (leavingItem !== itemId || live.has(tenantId)) continue;
        (targets ??= new Map(live)).set(tenantId, key);
      }
    }
    return targets ?? live;
  }

  setDesired(tenantId: string, entry: DesiredEntry): void {
    const current = this.#desired(tenantId).get(entry.id);
    if (current && current.itemId !== entry.itemId) this.#unindex(tenantId, current);
    this.#desired(tenantId).put(entry);
    this.#index(tenantId, entry);
  }

  /** A stop: the item goes back to what it was before `pushId` (or is no longer desired at all). */
  restoreDesired(tenantId: string, key: ItemKey, pushId: string): boolean {
    const current = this.#desired(tenantId).get(key);
    if (!current || current.pushId !== pushId) return false;
    if (current.previous) this.setDesired(tenantId, { ...current.previous, id: key, previous: null });
    else {
      this.#desired(tenantId).delete(key);
      this.#unindex(tenantId, current);
    }
    return true;
  }

  /** The agent's full manifest after a (re)connect: the reported state becomes exactly that. */
  mergeManifest(tenantId: string, items: readonly ManifestEntry[]): void {
    const reported = this.#reported(tenantId);
    const seen = new Set<ItemKey>();
    for (const item of items) {
      const key = itemKey(item.kind, item.name);
      seen.add(key);
      const current = reported.get(key);
      // A refusal stays known (so it is not resent) unless the agent now holds that very hash.
      const failure = current?.failedHash !== undefined && current.failedHash !== item.hash ? { failedHash: current.failedHash, error: current.error } : {};
      const next: ReportedEntry = { id: key, hash: item.hash, revision: item.revision, pushId: item.pushId, drifted: item.drifted, ...failure };
      if (!sameReported(current, next)) reported.put(next);
    }
    for (const entry of reported.all()) {
      if (seen.has(entry.id) || entry.hash === null) continue;
      if (entry.failedHash === undefined) reported.delete(entry.id);
      else reported.put({ ...entry, hash: null, revision: 0, pushId: null, drifted: false });
    }
  }

  /** One result of an acknowledged batch. */
  recordOutcome(tenantId: string, item: HeldRef, status: ApplyStatus, pushId: string, error?: string): void {
    const reported = this.#reported(tenantId);
    const current = reported.get(item.key);
    const base = { id: item.key };
    if (status === "applied") {
      reported.put({ ...base, hash: item.hash, revision: item.revision, pushId, drifted: false });
    } else if (status === "unchanged") {
      // The agent keeps the push that last applied it; it only renumbers the revision.
      const heldBy = current?.hash === item.hash ? current.pushId : null;
      reported.put({ ...base, hash: item.hash, revision: item.revision, pushId: heldBy, drifted: false });
    } else {
      const held = current ?? { ...base, hash: null, revision: 0, pushId: null, drifted: false };
      reported.put({ ...held, failedHash: item.hash, error: error ?? status });
    }
  }

  /** Items changed (or deleted: `localHash` null) on the tenant after they were applied. */
  recordDrift(tenantId: string, items: readonly (Omit<HeldRef, "key"> & { localHash: string | null })[]): void {
    const reported = this.#reported(tenantId);
    for (const item of items) {
      const key = itemKey(item.kind, item.name);
      const current = reported.get(key);
      const pushId = current?.hash === item.hash ? current.pushId : null;
      const next: ReportedEntry = { ...current, id: key, hash: item.hash, revision: item.revision, pushId, drifted: true };
      if (!sameReported(current, next)) reported.put(next);
    }
  }

  /** A retry: the refusal is forgotten so the item is sent again. */
  clearFailure(tenantId: string, key: ItemKey): void {
    const current = this.#reported(tenantId).get(key);
    if (current?.failedHash === undefined) return;
    const { failedHash: _failedHash, error: _error, ...rest } = current;
    if (rest.hash === null) this.#reported(tenantId).delete(key);
    else this.#reported(tenantId).put(rest);
  }

  /** The tenant was deleted: nothing is desired of it any more, and what it held is moot. */
  forget(tenantId: string): void {
    for (const entry of this.#desired(tenantId).all()) {
      this.#unindex(tenantId, entry);
      this.#desired(tenantId).delete(entry.id);
    }
    for (const entry of this.#reported(tenantId).all()) this.#reported(tenantId).delete(entry.id);
  }

  get #byItem(): Map<string, Map<string, ItemKey>> {
    if (!this.#itemIndex) {
      this.#itemIndex = new Map();
      for (const tenantId of this.#tenantIds()) {
        for (const entry of this.#desired(tenantId).all()) this.#index(tenantId, entry);
      }
    }
    return this.#itemIndex;
  }

  #index(tenantId: string, entry: DesiredEntry): void {
    let tenants = this.#byItem.get(entry.itemId);
    if (!tenants) this.#byItem.set(entry.itemId, (tenants = new Map()));
    tenants.set(tenantId, entry.id);
  }

  #unindex(tenantId: string, entry: DesiredEntry): void {
    const tenants = this.#byItem.get(entry.itemId);
    if (tenants?.get(tenantId) !== entry.id) return;
    tenants.delete(tenantId);
    if (tenants.size === 0) this.#byItem.delete(entry.itemId);
    if (this.durableDesired(tenantId, entry.id)?.itemId !== entry.itemId) return;
    let keys = this.#leaving.get(tenantId);
    if (!keys) this.#leaving.set(tenantId, (keys = new Map()));
    keys.set(entry.id, entry.itemId);
  }

  /** The tenant's desired state was written: what left it for good is no longer a durable target. */
  #settleLeaving(tenantId: string): void {
    const keys = this.#leaving.get(tenantId);
    if (!keys) return;
    for (const [key, itemId] of keys) if (this.durableDesired(tenantId, key)?.itemId !== itemId) keys.delete(key);
    if (keys.size === 0) this.#leaving.delete(tenantId);
  }

  #desired(tenantId: string): Collection<DesiredEntry> {
    return this.#store.collection<DesiredEntry>(pushCollections.desired(tenantId));
  }

  #reported(tenantId: string): Collection<ReportedEntry> {
    return this.#store.collection<ReportedEntry>(pushCollections.reported(tenantId));
  }
}
