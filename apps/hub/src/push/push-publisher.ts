import type { PushProgressEvent, PushResult } from "@canopy/api";
import type { Logger } from "pino";
import { EventBus } from "../core/event-bus.js";
import type { PushLedger } from "./push-ledger.js";
import { progressEvent, resultJson } from "./push-views.js";

/** One event of a push's own stream (`GET /pushes/{id}/events`). */
export type PushStreamMessage =
  | { pushId: string; event: "progress" | "done"; data: PushProgressEvent }
  | { pushId: string; event: "results"; data: { id: string; results: PushResult[] } };

export interface PushPublisherOptions {
  ledger: PushLedger;
  /** Makes every change made before the call durable (the store's flush). */
  flush(): Promise<void>;
  /** The live feed (`push.progress`). */
  live(event: PushProgressEvent): void;
  logger: Logger;
}

/**
 * Tells the world about push progress only once it is on disk (DESIGN.md principle 5), and
 * coalesces: any number of acknowledgements arriving during one flush share the next flush and
 * one event per push. Changes are taken before the flush starts, so nothing is announced that a
 * crash could still undo.
 */
export class PushPublisher {
  readonly stream = new EventBus<{ push: PushStreamMessage }>((error) => this.#options.logger.error({ err: error }, "push event listener failed"));
  readonly #options: PushPublisherOptions;
  readonly #touched = new Set<string>();
  #requested = false;
  #running: Promise<void> | undefined;

  constructor(options: PushPublisherOptions) {
    this.#options = options;
  }

  /** Something changed (results, or the pushes named): flush, then publish. */
  request(pushIds: Iterable<string> = []): void {
    for (const id of pushIds) this.#touched.add(id);
    this.#requested = true;
    this.#running ??= this.#run();
  }

  /** Resolves once everything requested so far is flushed and published. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #run(): Promise<void> {
    try {
      while (this.#requested) {
        this.#requested = false;
        const messages = this.#snapshot();
        try {
          await this.#options.flush();
        } catch (error) {
          // The store reports write failures itself; events wait for the next successful flush.
          this.#options.logger.error({ err: error }, "could not persist push progress");
          continue;
        }
        for (const message of messages) {
          if (message.event !== "results") this.#options.live(message.data);
          this.stream.publish("push", message);
        }
      }
    } finally {
      this.#running = undefined;
    }
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
      const progress = progressEvent(record, ledger);
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
