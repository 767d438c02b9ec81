import { problems } from "../core/problem-error.js";
import type { AuditEntryInput } from "../domain/audit-log.js";
import type { PushLedger } from "./push-ledger.js";
import type { PushPublisher } from "./push-publisher.js";
import type { ItemKey, PushRecord } from "./push-records.js";
import type { Reconciler } from "./reconciler.js";
import type { TenantState } from "./tenant-state.js";

interface EngineParts {
  readonly ledger: PushLedger;
  readonly state: TenantState;
  readonly reconciler: Reconciler;
  readonly publisher: PushPublisher;
}

export interface PushControlOptions {
  engine: EngineParts;
  audit: { record(entry: AuditEntryInput): unknown };
  flush(): Promise<void>;
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
    const record = this.#require(pushId);
    if (record.state !== "running") throw problems.conflict("push_not_running", `push ${pushId} is ${record.state.replace(/_/g, " ")}`);
    let stopped = 0;
    for (const { tenantId, key, entry } of Array.from(ledger.results(pushId))) {
      if (entry.status !== "pending") continue;
      ledger.setResult(pushId, tenantId, key, "stopped", `stopped by ${actor}`);
      if (!reconciler.inFlight(tenantId, key, pushId)) state.restoreDesired(tenantId, key, pushId);
      stopped++;
    }
    ledger.markStopped(pushId, actor);
    this.#options.audit.record({ actor, action: "push.stop", target: `push:${pushId}`, detail: { stopped } });
    await this.#options.flush();
    publisher.request([pushId]);
    return ledger.get(pushId)!;
  }

  /** Failed and skipped results whose item is still the push's to deliver are sent again. */
  async retry(pushId: string, actor: string): Promise<number> {
    const { ledger, state, reconciler, publisher } = this.#engine;
    const record = this.#require(pushId);
    const byTenant = new Map<string, ItemKey[]>();
    for (const { tenantId, key, entry } of Array.from(ledger.results(pushId))) {
      if (entry.status !== "failed" && entry.status !== "skipped") continue;
      // Another push took the item over since, or a stop put it back: nothing to retry.
      if (state.desired(tenantId, key)?.pushId !== pushId) continue;
      state.clearFailure(tenantId, key);
      ledger.setResult(pushId, tenantId, key, "pending");
      let keys = byTenant.get(tenantId);
      if (!keys) byTenant.set(tenantId, (keys = []));
      keys.push(key);
    }
    const retried = Array.from(byTenant.values()).reduce((sum, keys) => sum + keys.length, 0);
    if (retried === 0) throw problems.conflict("nothing_to_retry", `push ${pushId} has no failed or skipped results to retry`);
    if (record.state === "stopped") ledger.markRunning(pushId);
    this.#options.audit.record({ actor, action: "push.retry", target: `push:${pushId}`, detail: { retried } });
    await this.#options.flush();
    publisher.request([pushId]);
    for (const [tenantId, keys] of byTenant) reconciler.enqueue(tenantId, keys);
    return retried;
  }

  /** A deleted tenant will never answer: its pending results stop and its state is dropped. */
  tenantDeleted(tenantId: string): void {
    const { ledger, state, publisher } = this.#engine;
    const touched: string[] = [];
    for (const record of ledger.all()) {
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
   * After a restart: a running push whose results all settled before the crash is finished, and
   * items of stopped pushes that were in flight when the hub died go back to their previous state.
   */
  recover(): void {
    const { ledger, state } = this.#engine;
    for (const record of ledger.all()) {
      if (record.state === "running") ledger.refresh(record.id);
      else if (record.state === "stopped") {
        for (const { tenantId, key, entry } of ledger.results(record.id)) {
          if (entry.status === "stopped") state.restoreDesired(tenantId, key, record.id);
        }
      }
    }
  }

  #require(pushId: string): PushRecord {
    const record = this.#engine.ledger.get(pushId);
    if (!record) throw problems.notFound(`push ${pushId}`);
    return record;
  }
}
