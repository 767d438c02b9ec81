import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import { JSONFile } from "lowdb/node";
import { MemoryCollection } from "./memory-collection.js";
import { assertCollectionName, type Collection, type Doc, type Store, type StoreStats } from "./store.js";

interface PartitionFile {
  version: 1;
  docs: Record<string, Doc>;
}

export interface LowdbStoreOptions {
  /** Folder holding one `<collection>.json` file per partition. Created if missing. */
  dir: string;
  /** How long changes gather before one write per dirty partition. Default 50 ms. */
  coalesceMs?: number;
  /** Called when a background write fails (a `flush()` caller gets the rejection instead). */
  onError?: (error: unknown) => void;
}

interface Partition {
  collection: MemoryCollection<Doc>;
  file: JSONFile<PartitionFile>;
}

/**
 * The embedded store. Each collection is a partition kept in memory and written as one JSON file
 * by lowdb's JSONFile adapter, which writes atomically (temp file + rename) and itself coalesces
 * overlapping writes. On top of that, changes are batched for `coalesceMs`, so a burst of
 * thousands of changes costs one file write per partition touched, never one per change.
 */
export async function createLowdbStore(options: LowdbStoreOptions): Promise<Store> {
  const { dir, coalesceMs = 50, onError = () => {} } = options;
  await mkdir(dir, { recursive: true });

  const partitions = new Map<string, Partition>();
  const dirty = new Set<string>();
  const stats: StoreStats = { writes: 0, changes: 0 };
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  // Writes started by the timer: a flush must also wait for them, or it could return while a
  // change made before it is still on its way to disk.
  const inFlight = new Set<Promise<void>>();

  const open = (name: string, docs: Doc[]): Partition => {
    const partition: Partition = {
      collection: new MemoryCollection<Doc>(name, docs, () => markDirty(name)),
      file: new JSONFile<PartitionFile>(join(dir, `${name}.json`)),
    };
    partitions.set(name, partition);
    return partition;
  };

  for (const entry of await readdir(dir)) {
    if (!entry.endsWith(".json")) continue;
    const name = entry.slice(0, -".json".length);
    try {
      assertCollectionName(name);
    } catch {
      continue; // not one of ours
    }
    const file = new JSONFile<PartitionFile>(join(dir, entry));
    let data: PartitionFile | null;
    try {
      data = await file.read();
    } catch (error) {
      throw new Error(`store file ${join(dir, entry)} is not valid JSON; refusing to start rather than lose it`, {
        cause: error,
      });
    }
    open(name, Object.values(data?.docs ?? {}));
  }

  function markDirty(name: string): void {
    if (closed) throw new Error("store is closed");
    stats.changes++;
    dirty.add(name);
    if (!timer) {
      timer = setTimeout(() => {
        timer = undefined;
        const write = writeDirty();
        inFlight.add(write);
        write.catch(onError).finally(() => inFlight.delete(write));
      }, coalesceMs);
      timer.unref();
    }
  }

  async function writeDirty(): Promise<void> {
    const names = Array.from(dirty);
    dirty.clear();
    await Promise.all(
      names.map((name) => {
        const partition = partitions.get(name)!;
        stats.writes++;
        return partition.file.write({ version: 1, docs: partition.collection.toJSON() });
      }),
    );
  }

  async function flush(): Promise<void> {
    if (timer) {
      clearTimeout(timer);
      timer = undefined;
    }
    const pending = Array.from(inFlight);
    await writeDirty();
    await Promise.all(pending);
  }

  return {
    collection<T extends Doc>(name: string): Collection<T> {
      assertCollectionName(name);
      const partition = partitions.get(name) ?? open(name, []);
      return partition.collection as unknown as Collection<T>;
    },
    flush,
    async close() {
      await flush();
      closed = true;
    },
    stats: () => ({ ...stats }),
  };
}
