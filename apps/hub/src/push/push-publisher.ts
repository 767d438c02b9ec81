import type { PushProgressEvent, PushResult } from "@canopy/api";
import type { Logger } from "pino";
import { EventBus } from "../core/event-bus.js";
import type { HubData } from "../domain/hub-data.js";
import type { LedgerWrites, PushLedger } from "./push-ledger.js";
import { progressEvent, resultJson } from "./push-views.js";
import type { TenantState } from "./tenant-state.js";
import type { TenantStateChange } from "./tenant-state-repository.js";

/** One event of a push's own stream (`GET /pushes/{id}/events`). */
export type PushStreamMessage =
  | { pushId: string; event: "progress" | "done"; data: PushProgressEvent }
  | { pushId: string; event: "results"; data: { id: string; results: PushResult[] } };

export interface PushPublisherOptions {
  ledger: PushLedger;
  /** Desired and reported state: their changes are written in the same unit of work as the ledger's. */
  state: TenantState;
  /** Where the changes are written (`tenantStates`, `pushes`), in one unit of work per round. */
  data: Pick<HubData, "write">;
  /** Makes the store's changes durable (the audit of a push, a stop, a retry). */
  flush(): Promise<void>;
  /**
   * `data` writes somewhere else than the store (PostgreSQL): the store is flushed first. On the
   * embedded store a unit of work's write is the store's flush, so one write carries both.
   */
  dataBesideStore: boolean;
  /** The live feed (`push.progress`). */
  live(event: PushProgressEvent): void;
  logger: Logger;
}

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Writes the push ledger's and the tenants' state changes and only then tells the world (DESIGN.md
 * principle 5), and coalesces: any number of acknowledgements arriving during one write share the
 * next write and one event per push. Changes are taken before the write starts, so nothing is
 * announced that a crash could still undo. Desired state, reported state and the pushes are one
 * unit of work: a push is never durable without its desired state, nor a result without the
 * reported state that explains it. The store (the audit) is flushed first.
 */
export class PushPublisher {
  readonly stream = new EventBus<{ push: PushStreamMessage }>((error) => this.#options.logger.error({ err: error }, "push event listener failed"));
  readonly #options: PushPublisherOptions;
  readonly #touched = new Set<string>();
  /** Per push, how many writes of it are durable (for caches of what users are shown). */
  readonly #written = new Map<string, number>();
  #waiters: Waiter[] = [];
  #requested = false;
  #running: Promise<void> | undefined;

  constructor(options: PushPublisherOptions) {
    this.#options = options;
  }

  /** Something changed (results, or the pushes named): write, then publish. */
  request(pushIds: Iterable<string> = []): void {
    for (const id of pushIds) this.#touched.add(id);
    this.#requested = true;
    this.#running ??= this.#run();
  }

  /** As `request`, resolving once everything changed before the call is durable (rejecting if that write failed). */
  persist(pushIds: Iterable<string> = []): Promise<void> {
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.request(pushIds);
    return done;
  }

  /** Resolves once everything requested so far is written and published. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Moves whenever a write of the push is durable. */
  writtenVersion(pushId: string): number {
    return this.#written.get(pushId) ?? 0;
  }

  async #run(): Promise<void> {
    try {
      while (this.#requested) {
        this.#requested = false;
        const waiters = this.#waiters;
        this.#waiters = [];
        const messages = this.#snapshot();
        const writes = this.#options.ledger.takeWrites();
        const states = this.#options.state.takeWrites();
        try {
          await this.#write(writes, states);
        } catch (error) {
          this.#options.ledger.requeue(writes);
          this.#options.state.requeue(states);
          for (const waiter of waiters) waiter.reject(error);
          // The store and the repositories report write failures themselves; events wait for the next good write.
          this.#options.logger.error({ err: error }, "could not persist push progress");
          continue;
        }
        this.#options.ledger.written(writes);
        this.#options.state.written(states);
        for (const pushId of pushesOf(writes)) this.#written.set(pushId, this.writtenVersion(pushId) + 1);
        for (const waiter of waiters) waiter.resolve();
        for (const message of messages) {
          if (message.event !== "results") this.#options.live(message.data);
          this.stream.publish("push", message);
        }
      }
    } finally {
      this.#running = undefined;
    }
  }

  async #write(writes: LedgerWrites, states: readonly TenantStateChange[]): Promise<void> {
    const nothing = writes.created.length === 0 && writes.results.length === 0 && writes.records.length === 0 && states.length === 0;
    if (nothing || this.#options.dataBesideStore) await this.#options.flush();
    if (nothing) return;
    const { ledger } = this.#options;
    await this.#options.data.write(async (tx) => {
      if (states.length > 0) await tx.tenantStates.save(states);
      for (const { record, plan } of writes.created) await tx.pushes.create(record, plan);
      if (writes.results.length > 0) await tx.pushes.saveResults(writes.results);
      for (const pushId of writes.records) {
        const record = ledger.recordToWrite(pushId);
        if (record) await tx.pushes.saveRecord(record);
      }
    });
  }

  /** Progress (for the live feed and streams) and, if anyone follows a push, its changed results. */
  #snapshot(): PushStreamMessage[] {
    const { ledger } = this.#options;
    const changes = ledger.takeChanges();
    const changedByPush = new Map<string, Map<string, { tenantId: string; key: string }>>();
    for (const change of changes) {
      this.#touched.add(change.pushId);
      let changed = changedByPush.get(change.pushId);
      if (!changed) changedByPush.set(change.pushId, (changed = new Map()));
      changed.set(`${change.tenantId}\n${change.key}`, change);
    }
    const following = this.stream.listenerCount > 0;
    const messages: PushStreamMessage[] = [];
    for (const pushId of this.#touched) {
      const record = ledger.get(pushId);
      if (!record) continue;
      const progress = progressEvent(record);
      if (following) {
        const results = Array.from(changedByPush.get(pushId)?.values() ?? [], (c) => resultJson(ledger, pushId, c.tenantId, c.key)).filter((r) => r !== undefined);
        if (results.length > 0) messages.push({ pushId, event: "results", data: { id: pushId, results } });
      }
      messages.push({ pushId, event: progress.state === "running" ? "progress" : "done", data: progress });
    }
    this.#touched.clear();
    return messages;
  }
}

function pushesOf(writes: LedgerWrites): Set<string> {
  return new Set([...writes.created.map((c) => c.record.id), ...writes.results.map((r) => r.pushId), ...writes.records]);
}
