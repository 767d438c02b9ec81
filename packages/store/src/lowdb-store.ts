import { mkdir } from "node:fs/promises";
import { basename } from "node:path";
import { clearCommitRecord, finishCommit, writeCommitRecord } from "./commit-record.js";
import type { CollectionSchemas } from "./collection-schemas.js";
import { DurableJsonFile, syncFolder, type WriteFaultHook } from "./durable-json-file.js";
import { createJournaledStore } from "./journaled-store.js";
import { loadPartitions, partitionFile, readPartitionLater, readPartitionNow } from "./partition-loader.js";
import { reshardPartition, type ReshardOutcome } from "./reshard.js";
import { refusal, type StoreCommands } from "./store-refusal.js";
import type { Store } from "./store.js";

export interface LowdbStoreOptions {
  /** Folder holding one `<collection>.json` file per partition. Created if missing. */
  dir: string;
  /** How long changes gather before one write per dirty partition. Default 50 ms. */
  coalesceMs?: number;
  /** Called when a background write fails (a `flush()` caller gets the rejection instead). */
  onError?: (error: unknown) => void;
  /** Each collection's document schema, checked when the files are read. */
  schemas?: CollectionSchemas;
  /** How the owner's CLI spells the ways out, for the refusal message. */
  commands?: StoreCommands;
  /** Test seam: called before each file is written; throw to fail that write as a disk would. */
  fault?: WriteFaultHook;
  /**
   * Collections now kept as a `ShardedCollection` (name → shard count) that an older version
   * kept as one partition: a `<name>.json` found at open is carried into its shards first.
   */
  reshard?: Readonly<Record<string, number>>;
  /** Told of each collection carried into its shards at open. */
  onResharded?: (outcome: ReshardOutcome) => void;
  /**
   * Partitions not read at open and not kept once durable (cold-partitions.ts): checked when
   * they are read instead. `resident`: how many clean ones stay in memory (default 64).
   */
  cold?: { is(name: string): boolean; resident?: number };
}

/**
 * The embedded store. Each collection is a partition kept in memory and written as one compact
 * JSON file through a lowdb adapter that is durable (temp file, fsync, previous file kept as
 * `.bak`, rename, folder fsync); a write of several partitions is atomic across them (a commit
 * record, see commit-record.ts). Files are checked when the store opens: a damaged file or a
 * wrong shape refuses to open (`StoreFileError` naming every file, document and field, and the
 * way out) rather than start without the data and overwrite it later.
 */
export async function createLowdbStore(options: LowdbStoreOptions): Promise<Store> {
  const { dir, coalesceMs = 50, onError = () => {}, schemas = {} } = options;
  await mkdir(dir, { recursive: true });
  // A write of several partitions that committed and then crashed is finished before anything is read.
  await finishCommit(dir);
  const carried = [];
  for (const [name, shards] of Object.entries(options.reshard ?? {})) carried.push(await reshardPartition(dir, name, shards, schemas, { fault: options.fault }));
  const loaded = await loadPartitions(dir, schemas, options.cold?.is);
  const carryProblems = carried.flatMap((c) => c.problems);
  // A file the carry-over could not read is read again by the load: name its problems once.
  const named = new Set(carryProblems.map((p) => p.file));
  const problems = [...carryProblems, ...loaded.problems.filter((p) => !named.has(p.file))];
  if (problems.length > 0) throw await refusal(dir, problems, schemas, options.commands);
  for (const { outcome } of carried) if (outcome) options.onResharded?.(outcome);
  // A `<name>.json.tmp` left by a crash is never read, and the partition's next write replaces
  // it. It is not removed here: another process may have this folder open for writing (a
  // running agent while `status` looks), and the temp would be its write under way.

  const files = new Map<string, DurableJsonFile>();
  const fileOf = (name: string): DurableJsonFile => {
    let file = files.get(name);
    if (!file) files.set(name, (file = new DurableJsonFile(partitionFile(dir, name), { fault: options.fault })));
    return file;
  };
  /** A sealed write whose renames did not all go through: finished before the next write. */
  let unfinished = false;
  const writer = {
    writes: 0,
    bytesWritten: 0,
    yieldBetweenPartitions: true,
    async prepare(name: string, docs: ReadonlyMap<string, { id: string }>) {
      const prepared = await fileOf(name).prepare(docs);
      return {
        commit: async () => {
          await prepared.commit();
          writer.writes++;
          writer.bytesWritten += prepared.bytes;
        },
        abort: () => prepared.abort(),
      };
    },
    settle: () => syncFolder(dir),
    async seal(names: readonly string[]) {
      unfinished = true;
      try {
        await writeCommitRecord(dir, names.map((name) => basename(partitionFile(dir, name))));
      } catch (error) {
        unfinished = false;
        throw error;
      }
    },
    async unseal() {
      await clearCommitRecord(dir);
      await syncFolder(dir);
      unfinished = false;
    },
    async finishSealed() {
      if (!unfinished) return;
      await finishCommit(dir);
      unfinished = false;
    },
  };
  const cold = options.cold && {
    is: options.cold.is,
    names: loaded.skipped,
    read: (name: string) => readPartitionNow(dir, name, schemas),
    readAsync: (name: string) => readPartitionLater(dir, name, schemas),
    resident: options.cold.resident ?? 64,
  };
  return createJournaledStore({ writer, initial: loaded.partitions, coalesceMs, onError, ...(cold ? { cold } : {}) });
}
