import type { ApplyItem, ApplyResult, ApplyStatus, HubMessage } from "@canopy/protocol";
import type { Store } from "@canopy/store";
import type { ContentAdapter } from "./content-adapter.js";
import type { FileChecker } from "./filesystem-adapter.js";
import { contentId, heldEntry, type ManifestDoc } from "./manifest.js";

export type ContentBatch = HubMessage<"content.apply">;

export interface ApplyBatchContext {
  store: Store;
  adapter: ContentAdapter;
  /** Confirms a held file is still intact before an item is called `unchanged`. */
  checker: FileChecker;
  /** Aborted when the agent stops: the batch ends early and is not acked. */
  signal: AbortSignal;
  now?: () => Date;
}

export interface BatchOutcome {
  /** One per item, in the batch's order; partial when the batch was interrupted. */
  results: ApplyResult[];
  /** Manifest documents to store (applied items, revisions updated), before the ack is sent. */
  changes: ManifestDoc[];
  /** Manifest ids to delete (items removed from the tenant), before the ack is sent. */
  removed: string[];
  /** False when the agent stopped mid-batch: no ack then (the hub resends the batch). */
  complete: boolean;
}

const MAX_ERROR_CHARS = 2048;

/**
 * The order to apply in: the batch's own order, except that an item comes after the items of
 * the same batch it depends on, so "skipped because its dependency failed" is decided before it
 * is attempted. A dependency cycle is broken where the walk meets it again (no item waits forever).
 */
export function applyOrder(items: readonly ApplyItem[]): number[] {
  const byId = new Map(items.map((item, index) => [contentId(item.kind, item.name), index]));
  const done = new Set<number>();
  const visiting = new Set<number>();
  const order: number[] = [];
  const visit = (index: number): void => {
    if (done.has(index) || visiting.has(index)) return;
    visiting.add(index);
    for (const dependency of items[index]!.dependsOn) {
      const at = byId.get(contentId(dependency.kind, dependency.name));
      if (at !== undefined) visit(at);
    }
    visiting.delete(index);
    done.add(index);
    order.push(index);
  };
  items.forEach((_, index) => visit(index));
  return order;
}

/** Whether a held item is still what was applied: a filesystem item's file must be untouched. */
async function stillHeld(entry: ManifestDoc, checker: FileChecker): Promise<boolean> {
  if (entry.drifted) return false;
  if (entry.adapter !== "filesystem" || !entry.fileHash) return true;
  try {
    return (await checker.check(entry)).state === "ok";
  } catch {
    return false;
  }
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, MAX_ERROR_CHARS) || "failed";

/**
 * Applies one batch, item by item: replace by name or create through the adapter. Ack semantics:
 * - same hash already held (and intact) → `unchanged`, or `applied` when the same push applied
 *   it (a batch replayed after its ack was lost must not change its answer);
 * - a dependency that `failed` or was `skipped` in this batch → `skipped`, with the reason;
 * - the adapter threw → `failed` with its message; the other items go on;
 * - a removal (`remove`) deletes what is held under the name: `applied`, or `unchanged` when
 *   nothing is (also after a drift deleted it).
 * Nothing is written to the store here: the caller stores `changes` and flushes before acking.
 */
export async function applyBatch(batch: ContentBatch, context: ApplyBatchContext): Promise<BatchOutcome> {
  const { store, adapter, checker, signal } = context;
  const now = context.now ?? (() => new Date());
  const results: (ApplyResult | undefined)[] = new Array(batch.items.length);
  const statusById = new Map<string, ApplyStatus>();
  const changes = new Map<string, ManifestDoc>();
  const removed = new Set<string>();

  async function applyOne(index: number): Promise<void> {
    const item = batch.items[index]!;
    const id = contentId(item.kind, item.name);
    const ref = { kind: item.kind, name: item.name, revision: item.revision, hash: item.hash };
    let result: ApplyResult;

    const blocker = item.dependsOn.find((d) => ["failed", "skipped"].includes(statusById.get(contentId(d.kind, d.name)) ?? ""));
    const held = removed.has(id) ? undefined : (changes.get(id) ?? heldEntry(store, item.kind, item.name));
    if (item.remove) {
      result = await removeOne(item, held);
    } else if (blocker) {
      const why = statusById.get(contentId(blocker.kind, blocker.name)) === "failed" ? "failed" : "was skipped";
      result = { ...ref, status: "skipped", error: `skipped: depends on ${blocker.kind} ${blocker.name}, which ${why}` };
    } else if (held && held.hash === item.hash && (await stillHeld(held, checker))) {
      const replayed = batch.pushId !== null && held.pushId === batch.pushId;
      // Same content under another revision number (a rollback to an identical revision): keep the number current.
      if (held.revision !== item.revision) changes.set(id, { ...held, revision: item.revision });
      result = { ...ref, status: replayed ? "applied" : "unchanged" };
    } else {
      try {
        const applied = await adapter.apply(item, { signal });
        removed.delete(id);
        changes.set(id, {
          id,
          kind: item.kind,
          name: item.name,
          revision: item.revision,
          hash: item.hash,
          pushId: batch.pushId,
          appliedAt: now().toISOString(),
          adapter: adapter.type,
          ...(applied.location !== undefined ? { location: applied.location } : {}),
          ...(applied.fileHash !== undefined ? { fileHash: applied.fileHash } : {}),
          drifted: false,
        });
        result = { ...ref, status: "applied" };
      } catch (error) {
        result = { ...ref, status: "failed", error: message(error) };
      }
    }
    statusById.set(id, result.status);
    results[index] = result;
  }

  /** A removal: `applied` when something was held and is gone now, `unchanged` when nothing was. */
  async function removeOne(item: ApplyItem, held: ManifestDoc | undefined): Promise<ApplyResult> {
    const ref = { kind: item.kind, name: item.name, revision: item.revision, hash: item.hash };
    if (!held) return { ...ref, status: "unchanged" };
    try {
      await adapter.remove(held, { signal });
    } catch (error) {
      return { ...ref, status: "failed", error: message(error) };
    }
    const id = contentId(item.kind, item.name);
    changes.delete(id);
    removed.add(id);
    return { ...ref, status: "applied" };
  }

  // Up to `concurrency` items at once (1: strictly one after the other). An item starts only
  // once its dependencies in this batch, and an earlier item of the same name, have finished.
  const concurrency = Math.max(1, adapter.concurrency ?? 1);
  const latestById = new Map<string, Promise<void>>();
  const inFlight = new Set<Promise<void>>();
  for (const index of applyOrder(batch.items)) {
    if (signal.aborted) break;
    const item = batch.items[index]!;
    const id = contentId(item.kind, item.name);
    const before = [id, ...item.dependsOn.map((d) => contentId(d.kind, d.name))].flatMap((key) => latestById.get(key) ?? []);
    const task = Promise.all(before).then(() => (signal.aborted ? undefined : applyOne(index)));
    latestById.set(id, task);
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  const complete = results.every((r) => r !== undefined) && !signal.aborted;
  return { results: results.filter((r) => r !== undefined), changes: Array.from(changes.values()), removed: Array.from(removed), complete };
}

/** Stands in for an adapter that could not be set up: every item fails with the reason. */
export function unavailableAdapter(reason: string): ContentAdapter {
  return {
    type: "filesystem",
    apply: () => Promise.reject(new Error(reason)),
    remove: () => Promise.reject(new Error(reason)),
  };
}
