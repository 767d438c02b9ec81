import type { Store } from "@canopy/store";
import { readAdapterConfig } from "./adapter-config.js";
import { createContentAdapter, type ContentAdapter } from "./content-adapter.js";
import { ContentLocations } from "./content-locations.js";
import { applyBatch, unavailableAdapter, type BatchOutcome, type ContentBatch } from "./content-apply.js";
import { markDriftReported, scanForDrift, unreportedDrift } from "./drift-scan.js";
import { FileChecker } from "./filesystem-adapter.js";
import type { HubSocket } from "../link/hub-socket.js";
import type { AgentLogger } from "../core/logger.js";
import { manifestCollection, manifestEntry, manifestParts, readManifest } from "./manifest.js";
import type { AgentPaths } from "../core/paths.js";

/** Drift reports are split so that no frame comes near the hub's size limit. */
const DRIFT_ITEMS_PER_MESSAGE = 1000;

/**
 * Batches waiting one after the other are applied together and made durable by one flush, then
 * acked in turn (the hub keeps up to 4 in flight): one flush (its fsyncs) for up to 2,000 items.
 * A flush rewrites only the manifest segments its batches touched (manifest-segments.ts).
 */
const BATCHES_PER_FLUSH = 4;

export interface ContentSyncOptions {
  store: Store;
  paths: AgentPaths;
  logger: AgentLogger;
  /** Between periodic drift scans; 0 scans only on start and after each welcome. */
  driftScanMs: number;
}

type BatchTask = { type: "batch"; batch: ContentBatch; socket: HubSocket };

type Task =
  | BatchTask
  /** After a welcome: scan for drift, then send the manifest on that socket. */
  | { type: "report"; socket: HubSocket }
  | { type: "scan" };

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * The agent's content side: applies `content.apply` batches, reports the manifest after each
 * welcome and watches applied files for drift. Everything runs through one queue, one task at a
 * time in arrival order, so two batches never touch the same item at once and a scan never reads
 * a file halfway through its replacement. The queue runs beside the message handlers: pings and
 * rpc calls are answered while a batch is being applied.
 */
export class ContentSync {
  readonly #options: ContentSyncOptions;
  readonly #checker: FileChecker;
  /** Read from the manifest at the first batch; this queue is the manifest's only writer after that. */
  #locations: ContentLocations | undefined;
  readonly #abort = new AbortController();
  readonly #tasks: Task[] = [];
  #draining: Promise<void> | undefined;
  #scanTimer: NodeJS.Timeout | undefined;
  #stopped = false;
  /** The connection the hub last welcomed on: drift found by a scan is reported there. */
  #socket: HubSocket | undefined;

  constructor(options: ContentSyncOptions) {
    this.#options = options;
    this.#checker = new FileChecker(options.paths.contentDir);
    // What an older version kept as one file goes into segments now, written with the next flush
    // (one atomic write: until then the old file is what is on disk).
    const carried = manifestCollection(options.store).carryLegacy();
    if (carried > 0) options.logger.info({ entries: carried }, "carried the content manifest into segments");
  }

  /** Scans once now, then every `driftScanMs`. */
  start(): void {
    this.#enqueue({ type: "scan" });
    if (this.#options.driftScanMs > 0) this.#scanTimer = setInterval(() => this.#enqueue({ type: "scan" }), this.#options.driftScanMs);
  }

  /** The hub welcomed the agent: report what it holds (after the batches already queued). */
  welcomed(socket: HubSocket): void {
    this.#socket = socket;
    this.#enqueue({ type: "report", socket });
  }

  apply(batch: ContentBatch, socket: HubSocket): void {
    this.#enqueue({ type: "batch", batch, socket });
  }

  /** Drops what has not started, interrupts the running task (no ack) and waits for it. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#scanTimer);
    this.#tasks.length = 0;
    this.#abort.abort();
    await this.#draining;
  }

  #enqueue(task: Task): void {
    if (this.#stopped) return;
    // One scan waiting is enough: a slow batch must not pile them up.
    if (task.type === "scan" && this.#tasks.some((t) => t.type !== "batch")) return;
    this.#tasks.push(task);
    this.#draining ??= this.#drain();
  }

  async #drain(): Promise<void> {
    // Yield first, so `#draining` is set before this can ever reach its end.
    await Promise.resolve();
    for (let task = this.#tasks.shift(); task && !this.#stopped; task = this.#tasks.shift()) {
      try {
        if (task.type === "batch") await this.#applyBatches(this.#batchesFrom(task));
        else await this.#run(task);
      } catch (error) {
        this.#options.logger.error({ task: task.type, err: errorText(error) }, "content task failed");
      }
    }
    // Cleared in the same turn as the last look at the queue, so a task added later starts a new drain.
    this.#draining = undefined;
  }

  /** `first` and the batches queued right behind it on the same connection, up to BATCHES_PER_FLUSH. */
  #batchesFrom(first: BatchTask): BatchTask[] {
    const batches = [first];
    while (batches.length < BATCHES_PER_FLUSH) {
      const next = this.#tasks[0];
      if (next?.type !== "batch" || next.socket !== first.socket) break;
      batches.push(next);
      this.#tasks.shift();
    }
    return batches;
  }

  #run(task: Exclude<Task, BatchTask>): Promise<void> {
    switch (task.type) {
      case "report":
        return this.#report(task.socket);
      case "scan":
        return this.#scan(this.#socket);
    }
  }

  async #adapter(): Promise<ContentAdapter> {
    // Read for every batch: `canopy-agent adapter set` from another process takes effect at the next push.
    try {
      const config = await readAdapterConfig(this.#options.paths);
      this.#locations ??= ContentLocations.fromManifest(readManifest(this.#options.store));
      return createContentAdapter(config, { contentDir: this.#options.paths.contentDir, checker: this.#checker, locations: this.#locations });
    } catch (error) {
      return unavailableAdapter(`adapter not available: ${errorText(error)}`);
    }
  }

  /** Applies the batches in turn, makes what they changed durable with one flush, then acks each. */
  async #applyBatches(tasks: readonly BatchTask[]): Promise<void> {
    const { store, logger } = this.#options;
    const socket = tasks[0]!.socket;
    if (!socket.isOpen) {
      // Its connection is gone before the batches started: the hub counts them as lost and resends.
      logger.debug({ batchIds: tasks.map((task) => task.batch.batchId) }, "dropped batches whose connection closed");
      return;
    }
    const adapter = await this.#adapter();
    const collection = manifestCollection(store);
    const applied: { batch: ContentBatch; outcome: BatchOutcome }[] = [];
    for (const { batch } of tasks) {
      const outcome = await applyBatch(batch, { store, adapter, checker: this.#checker, signal: this.#abort.signal });
      // Put before the next batch: it sees what this one applied (a later batch of the same item).
      for (const doc of outcome.changes) collection.put(doc);
      for (const id of outcome.removed) collection.delete(id);
      applied.push({ batch, outcome });
      if (!outcome.complete) break;
    }
    // Principle 5: what an ack says is on disk before the hub hears it.
    await store.flush();
    for (const { batch, outcome } of applied) {
      if (!outcome.complete) return;
      const counts: Record<string, number> = {};
      for (const result of outcome.results) counts[result.status] = (counts[result.status] ?? 0) + 1;
      const sent = socket.send({ type: "content.ack", batchId: batch.batchId, results: outcome.results });
      logger.info({ batchId: batch.batchId, pushId: batch.pushId, adapter: adapter.type, ...counts, acked: sent }, "content batch applied");
      for (const failed of outcome.results.filter((r) => r.status === "failed")) {
        logger.warn({ kind: failed.kind, name: failed.name, err: failed.error }, "content item failed");
      }
    }
  }

  async #report(socket: HubSocket): Promise<void> {
    // A newer welcome queued its own report; this connection is gone.
    if (!socket.isOpen) return;
    await this.#scan(socket);
    if (!socket.isOpen) return;
    const items = readManifest(this.#options.store).map(manifestEntry);
    for (const part of manifestParts(items)) if (!socket.send(part)) return;
  }

  /**
   * Scans for drift, then sends every change not reported yet on `socket` when it is up (drift
   * found while offline goes out after the next welcome, before the manifest).
   */
  async #scan(socket: HubSocket | undefined): Promise<void> {
    const { store, logger } = this.#options;
    const found = await scanForDrift(store, this.#checker, logger, this.#abort.signal);
    if (found.length > 0) logger.warn({ count: found.length, items: found.slice(0, 5).map((d) => `${d.kind} ${d.name}`) }, "applied content was changed on this host");
    if (!socket?.isOpen || socket.phase !== "established") return;
    const unreported = unreportedDrift(store);
    for (let at = 0; at < unreported.length; at += DRIFT_ITEMS_PER_MESSAGE) {
      const chunk = unreported.slice(at, at + DRIFT_ITEMS_PER_MESSAGE);
      if (socket.send({ type: "content.drift", items: chunk })) markDriftReported(store, chunk);
    }
  }
}
