import { problems } from "../core/problem-error.js";
import type { AuditEntryInput } from "../domain/audit-log.js";
import type { PushLedger } from "./push-ledger.js";
import type { PushPublisher } from "./push-publisher.js";
import type { ItemKey, PushRecord } from "./push-records.js";
import type { PushRepository } from "./push-repository.js";
import type { Reconciler } from "./reconciler.js";
import type { TenantState } from "./tenant-state.js";
import type { TenantStateRepository } from "./tenant-state-repository.js";

interface EngineParts {
  readonly ledger: PushLedger;
  readonly state: TenantState;
  readonly reconciler: Reconciler;
  readonly publisher: PushPublisher;
}

export interface PushControlOptions {
  engine: EngineParts;
  /** The history (a retry reopens a finished push from it). */
  pushes: PushRepository;
  /** Desired state as stored (after a restart: which pushes it names). */
  tenantStates: Pick<TenantStateRepository, "namedPushes" | "namedBy">;
  audit: { record(entry: AuditEntryInput): unknown };
}

/** Stop, retry, a deleted tenant, and picking up after a restart. */
export class PushControl {
  readonly #engine: EngineParts;
  readonly #options: PushControlOptions;

  constructor(options: PushControlOptions) {
    this.#engine = options.engine;
    this.#options = options;
  }

  /**
   * Undelivered results become `stopped` and their items go back to the previous desired state.
   * An item already on its way keeps its desired value: if the agent applies it, the result says
   * so; if not, it is put back then (see delivery-outcomes.ts).
   */
  async stop(pushId: string, actor: string): Promise<PushRecord> {
    const { ledger, state, reconciler, publisher } = this.#engine;
    const record = ledger.get(pushId) ?? (await this.#options.pushes.get(pushId));
    if (!record) throw problems.notFound(`push ${pushId}`);
    if (record.state !== "running") throw problems.conflict("push_not_running", `push ${pushId} is ${record.state.replace(/_/g, " ")}`);
    // Running pushes are in memory; one that is not (another hub's, later) is brought in.
    await ledger.load(this.#options.pushes, pushId);
    const pending = Array.from(ledger.results(pushId)).filter(({ entry }) => entry.status === "pending");
    const tenantIds = new Set(pending.map((result) => result.tenantId));
    await state.hold(tenantIds);
    try {
      // A stop that came first while the state was read has nothing left to do here.
      if (ledger.get(pushId)?.state !== "running") throw problems.conflict("push_not_running", `push ${pushId} is ${(ledger.get(pushId)?.state ?? "finished").replace(/_/g, " ")}`);
      let stopped = 0;
      for (const { tenantId, key } of pending) {
        if (ledger.result(pushId, tenantId, key)?.status !== "pending") continue;
        ledger.setResult(pushId, tenantId, key, "stopped", `stopped by ${actor}`);
        if (!reconciler.inFlight(tenantId, key, pushId)) state.restoreDesired(tenantId, key, pushId);
        stopped++;
      }
      ledger.markStopped(pushId, actor);
      this.#options.audit.record({ actor, action: "push.stop", target: `push:${pushId}`, detail: { stopped } });
      await publisher.persist([pushId]);
      return ledger.get(pushId)!;
    } finally {
      state.release(tenantIds);
    }
  }

  /** Failed and skipped results whose item is still the push's to deliver are sent again. */
  async retry(pushId: string, actor: string): Promise<number> {
    const { ledger, state, reconciler, publisher } = this.#engine;
    if (!(await ledger.load(this.#options.pushes, pushId))) throw problems.notFound(`push ${pushId}`);
    const refused = Array.from(ledger.results(pushId)).filter(({ entry }) => entry.status === "failed" || entry.status === "skipped");
    const tenantIds = new Set(refused.map((result) => result.tenantId));
    try {
      await state.hold(tenantIds);
    } catch (error) {
      ledger.release(pushId);
      throw error;
    }
    try {
      const byTenant = new Map<string, ItemKey[]>();
      for (const { tenantId, key } of refused) {
        const status = ledger.result(pushId, tenantId, key)?.status;
        if (status !== "failed" && status !== "skipped") continue;
        // Another push took the item over since, or a stop put it back: nothing to retry.
        if (state.desired(tenantId, key)?.pushId !== pushId) continue;
        state.clearFailure(tenantId, key);
        ledger.setResult(pushId, tenantId, key, "pending");
        let keys = byTenant.get(tenantId);
        if (!keys) byTenant.set(tenantId, (keys = []));
        keys.push(key);
      }
      const retried = Array.from(byTenant.values()).reduce((sum, keys) => sum + keys.length, 0);
      if (retried === 0) {
        ledger.release(pushId);
        throw problems.conflict("nothing_to_retry", `push ${pushId} has no failed or skipped results to retry`);
      }
      if (ledger.get(pushId)!.state === "stopped") ledger.markRunning(pushId);
      this.#options.audit.record({ actor, action: "push.retry", target: `push:${pushId}`, detail: { retried } });
      await publisher.persist([pushId]);
      for (const [tenantId, keys] of byTenant) reconciler.enqueue(tenantId, keys);
      return retried;
    } finally {
      state.release(tenantIds);
    }
  }

  /** A deleted tenant will never answer: its pending results stop and its state is dropped. */
  tenantDeleted(tenantId: string): void {
    const { ledger, state, publisher } = this.#engine;
    const touched: string[] = [];
    for (const record of ledger.loaded()) {
      if (record.state !== "running" || !ledger.plan(record.id)?.tenantIds.includes(tenantId)) continue;
      for (const { tenantId: owner, key, entry } of Array.from(ledger.results(record.id))) {
        if (owner === tenantId && entry.status === "pending") ledger.setResult(record.id, tenantId, key, "stopped", "the tenant was deleted");
      }
      touched.push(record.id);
    }
    state.forget(tenantId);
    publisher.request(touched);
  }

  /**
   * After a restart: running pushes come back into memory (one whose results all settled before
   * the crash is finished now); an item that a stopped push was delivering when the hub died goes
   * back to its previous state; a desired entry whose push was never written (the hub died while
   * making it) goes back too. Every other push a desired entry names is finished: known, not loaded.
   */
  async recover(): Promise<void> {
    const { ledger, state } = this.#engine;
    const { pushes, tenantStates } = this.#options;
    for (const record of await pushes.inStates(["running"])) {
      await ledger.load(pushes, record.id);
      ledger.refresh(record.id);
    }
    let restored = false;
    for (const pushId of await tenantStates.namedPushes()) {
      if (ledger.get(pushId)) continue;
      const record = await pushes.get(pushId);
      if (record) ledger.knowSettled(pushId);
      if (record && record.state !== "stopped") continue;
      const entries = await tenantStates.namedBy(pushId);
      const tenantIds = [...new Set(entries.map((entry) => entry.tenantId))];
      const back = record ? await pushes.results(pushId, { statuses: ["stopped"], tenantIds }) : entries.map((entry) => ({ tenantId: entry.tenantId, key: entry.key }));
      if (back.length === 0) continue;
      await state.hold(tenantIds);
      for (const { tenantId, key } of back) restored = state.restoreDesired(tenantId, key, pushId) || restored;
      state.release(tenantIds);
    }
    if (restored) this.#engine.publisher.request();
  }
}
