import type { ApplyStatus, ManifestEntry } from "@canopy/protocol";
import { itemKey, removalRefusal, type DesiredEntry, type DesiredValue, type ItemKey, type ReportedEntry } from "./push-records.js";
import type { TenantStateChange, TenantStateRepository } from "./tenant-state-repository.js";

export interface HeldRef {
  key: ItemKey;
  kind: DesiredValue["kind"];
  name: string;
  revision: number;
  hash: string;
  /** A removal: `applied` or `unchanged` means the agent holds nothing under the key now. */
  remove?: true;
}

const sameReported = (a: ReportedEntry | undefined, b: ReportedEntry): boolean =>
  a !== undefined &&
  a.hash === b.hash &&
  a.revision === b.revision &&
  a.pushId === b.pushId &&
  a.drifted === b.drifted &&
  a.failedHash === b.failedHash &&
  a.error === b.error;

/** Tenants loaded per statement: a push to 10,000 tenants loads them in ten reads, not one huge one. */
const LOAD_CHUNK = 1000;

interface Loaded {
  /** In first-desired order (a Map keeps it; a key deleted and set again goes last, as in the repository). */
  desired: Map<ItemKey, DesiredEntry>;
  reported: Map<ItemKey, ReportedEntry>;
}

/** Keys changed since the last write was taken (a change is written as the entry is then, or as a delete). */
interface Dirty {
  forget: boolean;
  desired: Set<ItemKey>;
  /** Desired keys deleted since (one set again is written as a delete and a put, so it goes last as in memory). */
  desiredDeleted: Set<ItemKey>;
  reported: Set<ItemKey>;
}

/**
 * What the working set needs of the repository: `load`, and `release` if the repository keeps
 * something of a tenant in memory while it is worked on (the embedded one does), told when a
 * tenant leaves the working set.
 */
export type WorkingSetSource = Pick<TenantStateRepository, "load"> & { release?(tenantIds: Iterable<string>): void };

/**
 * The working set of desired state (what pushes decided each tenant should hold) and reported
 * state (what its agent said it holds) that delivery works on, synchronously, in memory: the
 * tenants whose agent is connected, and those a push, stop or retry is changing. Whoever works on
 * a tenant `hold`s it first (loaded from the repository if it is not in memory) and `release`s it
 * after; a tenant nobody holds leaves memory once its changes are written. Changes are taken by
 * the publisher (`takeWrites`), written in its unit of work with the pushes they belong to, and
 * given back (`requeue`) if that write fails, so the next one carries them.
 *
 * Reported entries are only written when they change: a manifest of thousands of items that
 * matches what the hub knew costs no write at all.
 */
export class TenantState {
  readonly #repository: WorkingSetSource;
  readonly #loaded = new Map<string, Loaded>();
  readonly #loading = new Map<string, Promise<void>>();
  readonly #holds = new Map<string, number>();
  readonly #dirty = new Map<string, Dirty>();
  /** Tenants with changes taken by a write that has not ended. */
  readonly #writing = new Map<string, number>();
  /** Per tenant, how many times it was forgotten: a load that started before a forget is not taken. */
  readonly #forgets = new Map<string, number>();

  constructor(repository: WorkingSetSource) {
    this.#repository = repository;
  }

  /** Keeps the tenants in memory until `release`, loading those that are not; rejects (holding nothing) when the load fails. */
  async hold(tenantIds: Iterable<string>): Promise<void> {
    const ids = [...new Set(tenantIds)];
    for (const id of ids) this.#holds.set(id, (this.#holds.get(id) ?? 0) + 1);
    try {
      await this.#load(ids);
    } catch (error) {
      this.release(ids);
      throw error;
    }
  }

  release(tenantIds: Iterable<string>): void {
    for (const id of new Set(tenantIds)) {
      const holds = (this.#holds.get(id) ?? 0) - 1;
      if (holds > 0) this.#holds.set(id, holds);
      else {
        this.#holds.delete(id);
        this.#evictIfIdle(id);
      }
    }
  }

  /** Tenants in memory (for tests and figures). */
  get loadedTenants(): number {
    return this.#loaded.size;
  }

  desired(tenantId: string, key: ItemKey): DesiredEntry | undefined {
    return this.#state(tenantId).desired.get(key);
  }

  desiredEntries(tenantId: string): DesiredEntry[] {
    return [...this.#state(tenantId).desired.values()];
  }

  /** Keys of the tenant's desired state, in the order they were pushed (dependencies first). */
  desiredKeys(tenantId: string): ItemKey[] {
    return [...this.#state(tenantId).desired.keys()];
  }

  reported(tenantId: string, key: ItemKey): ReportedEntry | undefined {
    return this.#state(tenantId).reported.get(key);
  }

  setDesired(tenantId: string, entry: DesiredEntry): void {
    this.#state(tenantId).desired.set(entry.id, entry);
    this.#dirtyOf(tenantId).desired.add(entry.id);
  }

  /** A stop: the item goes back to what it was before `pushId` (or is no longer desired at all). */
  restoreDesired(tenantId: string, key: ItemKey, pushId: string): boolean {
    const desired = this.#state(tenantId).desired;
    const current = desired.get(key);
    if (!current || current.pushId !== pushId) return false;
    const dirty = this.#dirtyOf(tenantId);
    if (current.previous) desired.set(key, { ...current.previous, id: key, previous: null });
    else {
      desired.delete(key);
      dirty.desiredDeleted.add(key);
    }
    dirty.desired.add(key);
    return true;
  }

  /** The agent's full manifest after a (re)connect: the reported state becomes exactly that. */
  mergeManifest(tenantId: string, items: readonly ManifestEntry[]): void {
    const seen = new Set<ItemKey>();
    for (const item of items) {
      const key = itemKey(item.kind, item.name);
      seen.add(key);
      const current = this.reported(tenantId, key);
      // A refusal stays known (so it is not resent) unless the agent now holds that very hash.
      const failure = current?.failedHash !== undefined && current.failedHash !== item.hash ? { failedHash: current.failedHash, error: current.error } : {};
      const next: ReportedEntry = { id: key, hash: item.hash, revision: item.revision, pushId: item.pushId, drifted: item.drifted, ...failure };
      if (!sameReported(current, next)) this.#putReported(tenantId, next);
    }
    for (const entry of Array.from(this.#state(tenantId).reported.values())) {
      if (seen.has(entry.id) || entry.hash === null) continue;
      if (entry.failedHash === undefined) this.#deleteReported(tenantId, entry.id);
      else this.#putReported(tenantId, { ...entry, hash: null, revision: 0, pushId: null, drifted: false });
    }
  }

  /** One result of an acknowledged batch. */
  recordOutcome(tenantId: string, item: HeldRef, status: ApplyStatus, pushId: string, error?: string): void {
    const current = this.reported(tenantId, item.key);
    const base = { id: item.key };
    if (item.remove && (status === "applied" || status === "unchanged")) {
      if (current) this.#deleteReported(tenantId, item.key);
    } else if (status === "applied") {
      this.#putReported(tenantId, { ...base, hash: item.hash, revision: item.revision, pushId, drifted: false });
    } else if (status === "unchanged") {
      // The agent keeps the push that last applied it; it only renumbers the revision.
      const heldBy = current?.hash === item.hash ? current.pushId : null;
      this.#putReported(tenantId, { ...base, hash: item.hash, revision: item.revision, pushId: heldBy, drifted: false });
    } else {
      const held = current ?? { ...base, hash: null, revision: 0, pushId: null, drifted: false };
      // A refused removal is told apart from a refused value: the agent still holds that very hash.
      this.#putReported(tenantId, { ...held, failedHash: item.remove ? removalRefusal(item.hash) : item.hash, error: error ?? status });
    }
  }

  /** Items changed (or deleted: `localHash` null) on the tenant after they were applied. */
  recordDrift(tenantId: string, items: readonly (Omit<HeldRef, "key"> & { localHash: string | null })[]): void {
    for (const item of items) {
      const key = itemKey(item.kind, item.name);
      const current = this.reported(tenantId, key);
      const pushId = current?.hash === item.hash ? current.pushId : null;
      const next: ReportedEntry = { ...current, id: key, hash: item.hash, revision: item.revision, pushId, drifted: true };
      if (!sameReported(current, next)) this.#putReported(tenantId, next);
    }
  }

  /** A retry: the refusal is forgotten so the item is sent again. */
  clearFailure(tenantId: string, key: ItemKey): void {
    const current = this.reported(tenantId, key);
    if (current?.failedHash === undefined) return;
    const { failedHash: _failedHash, error: _error, ...rest } = current;
    if (rest.hash === null) this.#deleteReported(tenantId, key);
    else this.#putReported(tenantId, rest);
  }

  /** The tenant was deleted: nothing is desired of it any more, and what it held is moot. Needs no hold. */
  forget(tenantId: string): void {
    this.#forgets.set(tenantId, (this.#forgets.get(tenantId) ?? 0) + 1);
    const loaded = this.#loaded.get(tenantId);
    if (loaded) {
      loaded.desired.clear();
      loaded.reported.clear();
    }
    this.#dirty.set(tenantId, { forget: true, desired: new Set(), desiredDeleted: new Set(), reported: new Set() });
  }

  /** Whether any change waits to be written. */
  get hasWrites(): boolean {
    return this.#dirty.size > 0;
  }

  /** The changes since the last call, as the repository saves them; the tenants stay in memory until `written` or `requeue`. */
  takeWrites(): TenantStateChange[] {
    const changes: TenantStateChange[] = [];
    for (const [tenantId, dirty] of this.#dirty) {
      const loaded = this.#loaded.get(tenantId);
      const change: TenantStateChange = { tenantId, putDesired: [], deleteDesired: [], putReported: [], deleteReported: [] };
      if (dirty.forget) change.forget = true;
      for (const key of dirty.desired) {
        const entry = loaded?.desired.get(key);
        if (!entry || dirty.desiredDeleted.has(key)) change.deleteDesired.push(key);
        if (entry) change.putDesired.push(entry);
      }
      for (const key of dirty.reported) {
        const entry = loaded?.reported.get(key);
        if (entry) change.putReported.push(entry);
        else change.deleteReported.push(key);
      }
      changes.push(change);
      this.#writing.set(tenantId, (this.#writing.get(tenantId) ?? 0) + 1);
    }
    this.#dirty.clear();
    return changes;
  }

  /** The write of `changes` failed: they are taken again by the next one (as the entries are then). */
  requeue(changes: readonly TenantStateChange[]): void {
    for (const change of changes) {
      const dirty = this.#dirtyOf(change.tenantId);
      if (change.forget) dirty.forget = true;
      for (const entry of change.putDesired) dirty.desired.add(entry.id);
      for (const key of change.deleteDesired) {
        dirty.desired.add(key);
        dirty.desiredDeleted.add(key);
      }
      for (const entry of change.putReported) dirty.reported.add(entry.id);
      for (const key of change.deleteReported) dirty.reported.add(key);
      this.#wrote(change.tenantId);
    }
  }

  /** The write of `changes` is durable: tenants nobody holds and with nothing left to write leave memory. */
  written(changes: readonly TenantStateChange[]): void {
    for (const change of changes) this.#wrote(change.tenantId);
  }

  #wrote(tenantId: string): void {
    const writing = (this.#writing.get(tenantId) ?? 0) - 1;
    if (writing > 0) this.#writing.set(tenantId, writing);
    else {
      this.#writing.delete(tenantId);
      this.#evictIfIdle(tenantId);
    }
  }

  #evictIfIdle(tenantId: string): void {
    if (this.#holds.has(tenantId) || this.#dirty.has(tenantId) || this.#writing.has(tenantId)) return;
    if (this.#loaded.delete(tenantId)) this.#repository.release?.([tenantId]);
    this.#forgets.delete(tenantId);
  }

  async #load(ids: readonly string[]): Promise<void> {
    const missing = ids.filter((id) => !this.#loaded.has(id) && !this.#loading.has(id));
    for (let start = 0; start < missing.length; start += LOAD_CHUNK) {
      const chunk = missing.slice(start, start + LOAD_CHUNK);
      const forgets = chunk.map((id) => this.#forgets.get(id) ?? 0);
      const loading = this.#repository.load(chunk).then((docs) => {
        chunk.forEach((id, i) => {
          if (this.#loaded.has(id)) return;
          // Forgotten while it was read: what was read is gone already.
          const stale = (this.#forgets.get(id) ?? 0) !== forgets[i];
          const found = stale ? undefined : docs.get(id);
          this.#loaded.set(id, {
            desired: new Map(found?.desired.map((entry) => [entry.id, entry])),
            reported: new Map(found?.reported.map((entry) => [entry.id, entry])),
          });
        });
      });
      const settled = loading.finally(() => {
        for (const id of chunk) if (this.#loading.get(id) === settled) this.#loading.delete(id);
      });
      for (const id of chunk) this.#loading.set(id, settled);
    }
    await Promise.all(ids.map((id) => this.#loading.get(id)));
    // A tenant whose load failed (here or in a concurrent hold) is not in memory: the hold fails.
    for (const id of ids) if (!this.#loaded.has(id)) throw new Error(`the push state of tenant ${id} could not be loaded`);
  }

  #state(tenantId: string): Loaded {
    const loaded = this.#loaded.get(tenantId);
    if (loaded) return loaded;
    // A forgotten tenant nobody holds: it has nothing (what it had is being deleted).
    if (this.#dirty.get(tenantId)?.forget) {
      const empty: Loaded = { desired: new Map(), reported: new Map() };
      this.#loaded.set(tenantId, empty);
      return empty;
    }
    throw new Error(`the push state of tenant ${tenantId} is not in memory (hold it first)`);
  }

  #dirtyOf(tenantId: string): Dirty {
    let dirty = this.#dirty.get(tenantId);
    if (!dirty) this.#dirty.set(tenantId, (dirty = { forget: false, desired: new Set(), desiredDeleted: new Set(), reported: new Set() }));
    return dirty;
  }

  #putReported(tenantId: string, entry: ReportedEntry): void {
    this.#state(tenantId).reported.set(entry.id, entry);
    this.#dirtyOf(tenantId).reported.add(entry.id);
  }

  #deleteReported(tenantId: string, key: ItemKey): void {
    if (this.#state(tenantId).reported.delete(key)) this.#dirtyOf(tenantId).reported.add(key);
  }
}
