import { setImmediate as nextTurn } from "node:timers/promises";
import { ColdCollection, type ColdPartitions } from "./cold-partitions.js";
import { MemoryCollection } from "./memory-collection.js";
import { StoreWriteError, UnfinishedCommitError } from "./store-errors.js";
import { assertCollectionName, type Collection, type Doc, type DurableEvent, type RollbackEvent, type Store, type StoreStats } from "./store.js";

/** Where a store's partitions go: files (lowdb), or nowhere (memory). */
export interface PartitionWriter {
  /**
   * Makes `docs` (a snapshot: nothing changes it) ready to replace the partition, without
   * replacing it yet. Throws StoreWriteError when the disk refuses.
   */
  prepare(name: string, docs: ReadonlyMap<string, Doc>): Promise<{ commit(): Promise<void>; abort(): Promise<void> }>;
  /** After the commits of one write: makes them durable (the folder's fsync). */
  settle(): Promise<void>;
  /**
   * Atomic writes of several partitions (a writer with files: see commit-record.ts). `seal`
   * makes the prepared partitions' commit durable before any is replaced; `unseal` drops that
   * record once every one is (durable with `settle`); `finishSealed`, before a write prepares
   * anything, completes a sealed write whose replacing an earlier write could not finish.
   */
  seal?(names: readonly string[]): Promise<void>;
  unseal?(): Promise<void>;
  finishSealed?(): Promise<void>;
  /** Partition files written so far. */
  readonly writes: number;
  /** Bytes of those files, where the writer has files. */
  readonly bytesWritten?: number;
  /** Give the event loop a turn between partitions (a writer that serializes; not the memory store, which stays microtask-only). */
  readonly yieldBetweenPartitions: boolean;
}

/** What one write changes in one partition: documents as JSON (taken when the write began) and ids gone. */
export interface PartitionChanges {
  name: string;
  upserts: { id: string; json: string }[];
  deletes: string[];
}

/**
 * Where a database store's changes go: every changed document of every partition in one
 * transaction, so a change that spans records (and collections) lands whole or not at all, and
 * a write costs what changed rather than the partitions it touched.
 */
export interface TransactionWriter {
  readonly kind: "transaction";
  /** Resolves once committed (durable); rejects (StoreWriteError) when the database refused. */
  commit(changes: readonly PartitionChanges[]): Promise<void>;
  /** Transactions committed so far. */
  readonly writes: number;
  /** Bytes of documents those transactions carried. */
  readonly bytesWritten?: number;
}

export interface JournaledStoreOptions {
  writer: PartitionWriter | TransactionWriter;
  /** Partitions read at open. */
  initial?: Iterable<[string, Doc[]]>;
  /** How long changes gather before one write per dirty partition. */
  coalesceMs: number;
  /** A failed write no `flush()` was waiting for, or a rollback listener that threw. */
  onError: (error: unknown) => void;
  /**
   * Write-only partitions (transaction writers only): their documents leave memory once durable,
   * and are read from the database by their owner. For data that grows without bound (the audit).
   */
  writeOnly?: (name: string) => boolean;
  /** Partitions read from disk when touched and let go once durable (cold-partitions.ts); partition writers only. */
  cold?: ColdPartitions;
}

/** Partitions being written at once: enough to overlap fsyncs, few enough to bound memory. */
const CONCURRENT_PARTITION_WRITES = 8;

interface WriteCycle {
  /** Every change numbered up to this one is in this write (or was durable before it). */
  readonly upTo: number;
  readonly done: Promise<void>;
}

/**
 * The store's durability rules, shared by both stores over a writer: changes apply in memory at
 * once and are journaled; writes are coalesced (after `coalesceMs`, or when someone flushes) and
 * shared by every flush waiting for them (group commit); a write prepares every dirty partition
 * (yielding to the event loop between them) before it replaces any; and a failed write rolls
 * every change that is not durable back, tells the rollback listeners, then rejects.
 */
export function createJournaledStore(options: JournaledStoreOptions): Store {
  const { writer, coalesceMs, onError } = options;
  const partitions = new Map<string, MemoryCollection<Doc>>();
  const dirty = new Set<string>();
  const listeners = new Set<(event: RollbackEvent) => void>();
  const durableListeners = new Set<(event: DurableEvent) => void>();
  const stats = { changes: 0, rollbacks: 0 };
  let timer: NodeJS.Timeout | undefined;
  let running: WriteCycle | undefined;
  let closed = false;

  const open = (name: string, docs: Doc[]): MemoryCollection<Doc> => {
    const partition = new MemoryCollection<Doc>(name, docs, () => markDirty(name));
    partitions.set(name, partition);
    return partition;
  };
  for (const [name, docs] of options.initial ?? []) open(name, docs);

  const { cold } = options;
  /**
   * The cold partitions that have a file: those on disk at open and those opened since. Any other
   * has none (the store owns its folder), so it is not looked for: 10,000 tenants' 160,000 insight
   * shards are mostly empty, and a hub start tried to open each of them.
   */
  const coldNames = new Set(cold?.names ?? []);
  /** Cold partitions in memory, least recently touched first. */
  const residentCold = new Set<string>();
  const coldHandles = new Map<string, ColdCollection<Doc>>();

  function residentColdPartition(name: string): MemoryCollection<Doc> {
    let partition = partitions.get(name);
    if (!partition) {
      partition = open(name, coldNames.has(name) ? cold!.read(name) : []);
      coldNames.add(name);
    }
    residentCold.delete(name);
    residentCold.add(name);
    if (residentCold.size > cold!.resident) letColdPartitionsGo();
    return partition;
  }

  /** Lets the least recently touched cold partitions go while more are in memory than asked, skipping any not durable yet. */
  function letColdPartitionsGo(): void {
    let over = residentCold.size - cold!.resident;
    for (const name of residentCold) {
      if (over <= 0) return;
      const partition = partitions.get(name);
      if (partition && (dirty.has(name) || !partition.journal.settled)) continue;
      partitions.delete(name);
      residentCold.delete(name);
      over--;
    }
  }

  function markDirty(name: string): void {
    if (closed) throw new Error("store is closed");
    stats.changes++;
    dirty.add(name);
    if (!timer && !running) schedule();
  }

  function schedule(): void {
    timer = setTimeout(() => {
      timer = undefined;
      if (running) return; // the running write schedules the next one when it ends
      startCycle().done.catch(onError);
    }, coalesceMs);
    timer.unref();
  }

  function startCycle(): WriteCycle {
    const cycle: WriteCycle = {
      upTo: stats.changes,
      done: write().then(() => {
        running = undefined;
        if (cold && residentCold.size > cold.resident) letColdPartitionsGo();
        // Changes made while it ran get their own write (or the next flush's).
        if (dirty.size > 0 && !timer && !closed) schedule();
      }, (error: unknown) => {
        // No retry by itself after a failure (a read-only disk would fail every few ms): the next change or flush writes.
        running = undefined;
        throw error;
      }),
    };
    running = cycle;
    return cycle;
  }

  /**
   * Ids a failed transaction carried, per partition: its outcome may be unknown (the connection
   * died during COMMIT), so the next write puts whatever memory then holds for them (idempotent).
   */
  const repairs = new Map<string, Set<string>>();

  async function write(): Promise<void> {
    if ("kind" in writer) return writeTransaction(writer);
    // A committed write not yet in place comes first: this write's temps would replace its own.
    if (writer.finishSealed) {
      try {
        await writer.finishSealed();
      } catch (error) {
        throw rollBack(asWriteError(Array.from(dirty)[0] ?? "store", error));
      }
    }
    const names = Array.from(dirty);
    const prepared: { name: string; commit(): Promise<void>; abort(): Promise<void> }[] = [];
    const inFlight = new Set<Promise<void>>();
    let failure: StoreWriteError | undefined;
    for (const [index, name] of names.entries()) {
      // One partition per turn: serializing a large one must not hold every other request up.
      if (index > 0 && writer.yieldBetweenPartitions) await nextTurn();
      if (failure) break;
      const partition = partitions.get(name)!;
      dirty.delete(name);
      partition.journal.seal();
      const step = writer
        .prepare(name, partition.snapshot())
        .then(
          (ready) => void prepared.push({ name, ...ready }),
          (error: unknown) => void (failure ??= asWriteError(name, error)),
        )
        .finally(() => partition.release());
      inFlight.add(step);
      void step.finally(() => inFlight.delete(step));
      if (inFlight.size >= CONCURRENT_PARTITION_WRITES) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failure) {
      await Promise.all(prepared.map((p) => p.abort()));
      throw rollBack(failure);
    }
    // Every new content is on disk. Several partitions change together: first the commit point.
    const sealed = prepared.length > 1 && writer.seal !== undefined;
    if (sealed) {
      try {
        await writer.seal!(prepared.map((p) => p.name));
      } catch (error) {
        await Promise.all(prepared.map((p) => p.abort()));
        throw rollBack(asWriteError(prepared[0]!.name, error));
      }
    }
    // Now replace the files.
    const outcomes = await Promise.allSettled(prepared.map((p) => p.commit()));
    const replaced = prepared.filter((_, i) => outcomes[i]!.status === "fulfilled").map((p) => p.name);
    const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === "rejected");
    let settleError: unknown;
    if (!refused) {
      await writer.settle().catch((error: unknown) => void (settleError = error ?? new Error("sync failed")));
      // The record goes only once the renames are durable, and durably before the next write's temps.
      if (sealed && settleError === undefined) await writer.unseal!().catch((error: unknown) => void (settleError = error ?? new Error("could not drop the commit record")));
    }
    if (sealed && (refused || settleError !== undefined)) {
      // Committed: the record holds it, so it is durable and stays. What is not in place yet is
      // finished before the next write (or at the next open); until then the files lag behind.
      onError(new UnfinishedCommitError(asWriteError(prepared[0]!.name, refused ? refused.reason : settleError)));
    } else if (refused || settleError !== undefined) {
      // Files already replaced hold changes memory no longer does: the next write puts them back.
      throw rollBack(asWriteError(prepared[0]!.name, refused ? refused.reason : settleError), replaced);
    }
    for (const { name } of prepared) partitions.get(name)!.journal.durable();
    if (prepared.length > 0) tell(durableListeners, { collections: prepared.map((p) => p.name) });
  }

  async function writeTransaction(to: TransactionWriter): Promise<void> {
    const changes: PartitionChanges[] = [];
    for (const name of dirty) {
      const partition = partitions.get(name)!;
      partition.journal.seal();
      const ids = new Set(partition.journal.sealedIds());
      for (const id of repairs.get(name) ?? []) ids.add(id);
      const change: PartitionChanges = { name, upserts: [], deletes: [] };
      for (const id of ids) {
        const doc = partition.get(id);
        // Serialized now: later changes (even `edit` in place) belong to the next write.
        if (doc) change.upserts.push({ id, json: JSON.stringify(doc) });
        else change.deletes.push(id);
      }
      changes.push(change);
    }
    dirty.clear();
    repairs.clear();
    if (changes.length === 0) return;
    try {
      await to.commit(changes);
    } catch (error) {
      for (const change of changes) repairs.set(change.name, new Set([...change.upserts.map((u) => u.id), ...change.deletes]));
      throw rollBack(asWriteError(changes[0]!.name, error), Array.from(repairs.keys()));
    }
    for (const change of changes) {
      const partition = partitions.get(change.name)!;
      partition.journal.durable();
      if (options.writeOnly?.(change.name)) partition.forget(change.upserts.map((u) => u.id));
    }
    tell(durableListeners, { collections: changes.map((c) => c.name) });
  }

  /** A listener that throws is reported, never allowed to fail the write or starve the others. */
  function tell<E>(to: Set<(event: E) => void>, event: E): void {
    for (const listener of to) {
      try {
        listener(event);
      } catch (listenerError) {
        onError(listenerError);
      }
    }
  }

  /**
   * Every change that is not durable goes back; listeners hear which collections changed.
   * `rewrite`: partitions whose file may hold what memory no longer does, written again next time.
   */
  function rollBack(error: StoreWriteError, rewrite: readonly string[] = []): StoreWriteError {
    const collections: string[] = [];
    dirty.clear();
    for (const [name, partition] of partitions) if (partition.rollBack()) collections.push(name);
    for (const name of rewrite) {
      partitions.get(name)!.journal.rewrite();
      dirty.add(name);
    }
    stats.rollbacks++;
    tell(listeners, { collections, error });
    return error;
  }

  async function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    const target = stats.changes;
    for (;;) {
      const cycle = running;
      if (cycle) {
        // A failure rejects here too: its rollback took every non-durable change, ours included.
        await cycle.done;
        if (cycle.upTo >= target) return;
        continue;
      }
      if (dirty.size === 0) return;
      startCycle();
    }
  }

  return {
    collection<T extends Doc>(name: string): Collection<T> {
      assertCollectionName(name);
      if (cold?.is(name)) {
        let handle = coldHandles.get(name);
        if (!handle) coldHandles.set(name, (handle = new ColdCollection(name, () => residentColdPartition(name))));
        return handle as unknown as Collection<T>;
      }
      return (partitions.get(name) ?? open(name, [])) as unknown as Collection<T>;
    },
    collectionNames: (prefix) => Array.from(new Set([...partitions.keys(), ...coldNames])).filter((name) => name.startsWith(prefix)),
    ...(cold ? { readCold: (name: string) => (coldNames.has(name) ? cold.readAsync(name) : Promise.resolve([])) } : {}),
    flush,
    onRollback(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    onDurable(listener) {
      durableListeners.add(listener);
      return () => void durableListeners.delete(listener);
    },
    async close() {
      await flush();
      closed = true;
    },
    stats: (): StoreStats => ({
      writes: writer.writes,
      changes: stats.changes,
      rollbacks: stats.rollbacks,
      ...(writer.bytesWritten !== undefined ? { bytesWritten: writer.bytesWritten } : {}),
    }),
  };
}

function asWriteError(name: string, error: unknown): StoreWriteError {
  return error instanceof StoreWriteError ? error : new StoreWriteError(name, error);
}
