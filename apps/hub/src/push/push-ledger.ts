import type { PushProgress, PushResultStatus } from "@canopy/api";
import { isoAt, type Clock } from "../core/clock.js";
import { emptyProgress, stateOf, type ItemKey, type PushPlanDoc, type PushRecord, type ResultEntry } from "./push-records.js";
import type { PushRepository, StoredResult } from "./push-repository.js";

interface LoadedPush {
  record: PushRecord;
  plan: PushPlanDoc;
  byKey: Map<ItemKey, PushPlanDoc["items"][number]>;
  /** Tenant → key → result. */
  results: Map<string, Map<ItemKey, ResultEntry>>;
  /** Live counts, moved by every result change (O(1) each). */
  progress: PushProgress;
}

/** A result that changed, for the per-push event stream. */
export interface ResultChange {
  pushId: string;
  tenantId: string;
  key: ItemKey;
}

/** What the ledger changed and has not written yet (see `takeWrites`). */
export interface LedgerWrites {
  created: { record: PushRecord; plan: PushPlanDoc }[];
  results: StoredResult[];
  /** Pushes whose record (state, counts) changed. */
  records: string[];
}

/**
 * A finished push's results are not kept in memory: every question the reconciler asks of them
 * ("is it pending?", "is it stopped?") has the same answer for all of them, no.
 */
export const SETTLED: ResultEntry = Object.freeze({ status: "applied" });

const resultKey = (pushId: string, tenantId: string, key: ItemKey): string => `${pushId}\n${tenantId}\n${key}`;

/**
 * The pushes delivery works on, in memory: those running, those stopped since the start (a batch
 * in flight at the stop may still be answered) and those a retry reopened, with every result.
 * A push leaves once it is finished and written. The history itself is the `PushRepository`:
 * what users are shown is read there, never here, so nothing that is not durable is shown.
 *
 * Every change is also queued (`takeWrites`): the publisher writes the queue in one unit of work,
 * then announces it. Live counts move with each result, so progress never costs a scan.
 */
export class PushLedger {
  readonly #clock: Clock;
  readonly #pushes = new Map<string, LoadedPush>();
  /** Pushes known to exist but not loaded: their results are settled (see SETTLED). */
  readonly #settled = new Set<string>();
  readonly #versions = new Map<string, number>();
  #changes: ResultChange[] = [];
  #created = new Map<string, { record: PushRecord; plan: PushPlanDoc }>();
  #results = new Map<string, StoredResult>();
  #records = new Set<string>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Brings a push and all its results into memory (start-up, a retry); false when there is no such push. */
  async load(repository: PushRepository, pushId: string): Promise<boolean> {
    if (this.#pushes.has(pushId)) return true;
    const [record, plan] = await Promise.all([repository.get(pushId), repository.plan(pushId)]);
    if (!record || !plan) return false;
    const stored = await repository.results(pushId);
    if (this.#pushes.has(pushId)) return true;
    const loaded = loadedPush(record, plan);
    for (const result of stored) {
      loaded.results.get(result.tenantId)?.set(result.key, result.error === undefined ? { status: result.status } : { status: result.status, error: result.error });
      loaded.progress.total++;
      loaded.progress[result.status]++;
    }
    this.#pushes.set(pushId, loaded);
    this.#settled.delete(pushId);
    return true;
  }

  /** A push that exists and is finished (start-up: named by a desired entry): its results are settled. */
  knowSettled(pushId: string): void {
    if (!this.#pushes.has(pushId)) this.#settled.add(pushId);
  }

  /** Whether anything is known of the push (loaded, or known to be finished). */
  knows(pushId: string): boolean {
    return this.#pushes.has(pushId) || this.#settled.has(pushId);
  }

  /** Records a new push with every result pending (written by the next `takeWrites`). */
  create(record: PushRecord, plan: PushPlanDoc): void {
    const loaded = loadedPush(record, plan);
    for (const results of loaded.results.values()) {
      for (const item of plan.items) results.set(item.key, { status: "pending" });
    }
    const total = plan.items.length * plan.tenantIds.length;
    loaded.progress = { ...emptyProgress(), total, pending: total };
    loaded.record = { ...record, progress: { ...loaded.progress } };
    this.#pushes.set(record.id, loaded);
    this.#created.set(record.id, { record: loaded.record, plan });
  }

  /** A push whose creation failed: it never was. */
  drop(pushId: string): void {
    this.#pushes.delete(pushId);
    this.#created.delete(pushId);
    this.#records.delete(pushId);
    for (const [key, result] of this.#results) if (result.pushId === pushId) this.#results.delete(key);
    this.#changes = this.#changes.filter((change) => change.pushId !== pushId);
  }

  /** A loaded push's record, with its live counts. */
  get(pushId: string): PushRecord | undefined {
    return this.#pushes.get(pushId)?.record;
  }

  /** The loaded pushes. */
  loaded(): PushRecord[] {
    return Array.from(this.#pushes.values(), (push) => push.record);
  }

  plan(pushId: string): PushPlanDoc | undefined {
    return this.#pushes.get(pushId)?.plan;
  }

  planned(pushId: string, key: ItemKey): PushPlanDoc["items"][number] | undefined {
    return this.#pushes.get(pushId)?.byKey.get(key);
  }

  /** The result, `SETTLED` for a finished push not in memory, undefined for a push never recorded. */
  result(pushId: string, tenantId: string, key: ItemKey): ResultEntry | undefined {
    const push = this.#pushes.get(pushId);
    if (push) return push.results.get(tenantId)?.get(key);
    return this.#settled.has(pushId) ? SETTLED : undefined;
  }

  /** Every result of a loaded push, tenant by tenant in plan order. */
  *results(pushId: string): Generator<{ tenantId: string; key: ItemKey; entry: ResultEntry }> {
    const push = this.#pushes.get(pushId);
    if (!push) return;
    for (const [tenantId, results] of push.results) for (const [key, entry] of results) yield { tenantId, key, entry };
  }

  /** Moves one result; false when it already had that status (nothing to write or tell). */
  setResult(pushId: string, tenantId: string, key: ItemKey, status: PushResultStatus, error?: string): boolean {
    const push = this.#pushes.get(pushId);
    const results = push?.results.get(tenantId);
    const current = results?.get(key);
    if (!push || !results || !current || (current.status === status && current.error === error)) return false;
    push.progress[current.status]--;
    push.progress[status]++;
    results.set(key, error === undefined ? { status } : { status, error });
    this.#results.set(resultKey(pushId, tenantId, key), error === undefined ? { pushId, tenantId, key, status } : { pushId, tenantId, key, status, error });
    this.#bump(pushId);
    this.#changes.push({ pushId, tenantId, key });
    this.#settle(push);
    return true;
  }

  /** Live counts of a loaded push (the same object each time: callers copy before handing it out). */
  progress(pushId: string): PushProgress {
    return this.#pushes.get(pushId)?.progress ?? emptyProgress();
  }

  /** Marks the push stopped (its pending results are stopped by the caller). */
  markStopped(pushId: string, actor: string): void {
    const push = this.#pushes.get(pushId);
    if (!push) return;
    this.#setRecord(push, { ...push.record, state: "stopped", stoppedBy: actor, finishedAt: isoAt(this.#clock()) });
  }

  /** A retry made results pending again: the push runs again. */
  markRunning(pushId: string): void {
    const push = this.#pushes.get(pushId);
    if (!push) return;
    this.#setRecord(push, { ...push.record, state: "running", finishedAt: null });
  }

  /** Moves whenever anything about the push changes. */
  version(pushId: string): number {
    return this.#versions.get(pushId) ?? 0;
  }

  /** After a restart: a running push whose results all settled before the crash is finished now. */
  refresh(pushId: string): void {
    const push = this.#pushes.get(pushId);
    if (push) this.#settle(push);
  }

  /** Result changes since the last call (for events once they are written). */
  takeChanges(): ResultChange[] {
    const changes = this.#changes;
    this.#changes = [];
    return changes;
  }

  /** Everything changed since the last call, to be written in one unit of work. */
  takeWrites(): LedgerWrites {
    const writes: LedgerWrites = {
      // As the push is now: it may have moved (even finished) since it was made.
      created: Array.from(this.#created.values(), ({ record, plan }) => ({ record: this.recordToWrite(record.id) ?? record, plan })),
      results: Array.from(this.#results.values()).filter((result) => !this.#created.has(result.pushId) || result.status !== "pending"),
      records: Array.from(this.#records).filter((pushId) => !this.#created.has(pushId)),
    };
    this.#created = new Map();
    this.#results = new Map();
    this.#records = new Set();
    return writes;
  }

  /** The record to write for a push in `LedgerWrites.records`: as it is now, with its live counts. */
  recordToWrite(pushId: string): PushRecord | undefined {
    const push = this.#pushes.get(pushId);
    return push && { ...push.record, progress: { ...push.progress } };
  }

  /** A write failed: what it carried is queued again, under anything changed since. */
  requeue(writes: LedgerWrites): void {
    for (const created of writes.created) if (this.#pushes.has(created.record.id) && !this.#created.has(created.record.id)) this.#created.set(created.record.id, created);
    for (const result of writes.results) {
      const key = resultKey(result.pushId, result.tenantId, result.key);
      if (!this.#results.has(key)) this.#results.set(key, result);
    }
    for (const pushId of writes.records) this.#records.add(pushId);
  }

  /** The write is durable: finished pushes leave memory (their results are settled from now on). */
  written(writes: LedgerWrites): void {
    const pushIds = new Set([...writes.created.map((c) => c.record.id), ...writes.results.map((r) => r.pushId), ...writes.records]);
    for (const pushId of pushIds) this.release(pushId);
  }

  /** A finished push with nothing left to write leaves memory (a retry that found nothing to retry, a write done). */
  release(pushId: string): void {
    const push = this.#pushes.get(pushId);
    if (!push || push.record.state === "running" || push.record.state === "stopped") return;
    if (this.#created.has(pushId) || this.#records.has(pushId)) return;
    for (const result of this.#results.values()) if (result.pushId === pushId) return;
    this.#pushes.delete(pushId);
    this.#settled.add(pushId);
  }

  /**
   * A push whose last pending result settled is finished. A running push's record is not
   * rewritten per result (its counts are the results'); a stopped one keeps its state.
   */
  #settle(push: LoadedPush): void {
    push.record = { ...push.record, progress: push.progress };
    if (push.record.state === "stopped") return;
    const state = stateOf(push.progress, false);
    if (state === push.record.state) return;
    const finishedAt = state === "running" ? null : isoAt(this.#clock());
    this.#setRecord(push, { ...push.record, state, finishedAt });
  }

  #setRecord(push: LoadedPush, record: PushRecord): void {
    push.record = { ...record, progress: push.progress };
    this.#records.add(record.id);
    this.#bump(record.id);
  }

  #bump(pushId: string): void {
    this.#versions.set(pushId, this.version(pushId) + 1);
  }
}

function loadedPush(record: PushRecord, plan: PushPlanDoc): LoadedPush {
  return {
    record,
    plan,
    byKey: new Map(plan.items.map((item) => [item.key, item])),
    results: new Map(plan.tenantIds.map((tenantId) => [tenantId, new Map<ItemKey, ResultEntry>()])),
    progress: emptyProgress(),
  };
}
