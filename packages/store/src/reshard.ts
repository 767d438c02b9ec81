import { rm, stat } from "node:fs/promises";
import { schemaFor, type CollectionSchemas } from "./collection-schemas.js";
import { backupPath, DurableJsonFile, syncFolder, type WriteFaultHook } from "./durable-json-file.js";
import { partitionFile, readPartition } from "./partition-loader.js";
import type { StoreFileProblem } from "./store-errors.js";
import { shardOf } from "./sharded-collection.js";
import type { Doc } from "./store.js";

/** A collection an older version kept as one partition, now a `ShardedCollection` of `shards`. */
export interface ReshardOutcome {
  collection: string;
  shards: number;
  /** Documents carried from `<collection>.json` into the shards. */
  documents: number;
}

/**
 * Carries `<name>.json`, a partition an older version wrote whole, into the shards
 * `<name>.<n>.json` that `ShardedCollection(store, name, shards)` reads (the same hash). Every
 * shard it touches is written durably (temp, fsync, rename, folder fsync) before the old file is
 * removed (its `.bak` first, then the file), so a crash at any point leaves either the old file
 * (the next open carries it again: its documents replace the shards' copies, which are the same)
 * or the shards alone. Nothing happens when there is no old file. A damaged old file or shard is
 * left as it is and its problems come back, for the store to refuse to open with the file named.
 */
export async function reshardPartition(
  dir: string,
  name: string,
  shards: number,
  schemas: CollectionSchemas,
  options: { fault?: WriteFaultHook | undefined } = {},
): Promise<{ outcome: ReshardOutcome | null; problems: StoreFileProblem[] }> {
  const oldFile = partitionFile(dir, name);
  if (!(await exists(oldFile))) return { outcome: null, problems: [] };
  const shardName = (n: number): string => `${name}.${n}`;
  // The shards' schema (`<name>.*`) is the one the old documents must meet.
  const withShardSchema = { ...schemas, [name]: schemaFor(schemas, shardName(0)) ?? schemaFor(schemas, name) } as CollectionSchemas;
  const old = await readPartition(oldFile, name, withShardSchema);
  if (!old.ok) return { outcome: null, problems: old.problems };

  const byShard = new Map<number, Doc[]>();
  for (const doc of old.docs) {
    const n = shardOf(doc.id, shards);
    const docs = byShard.get(n);
    if (docs) docs.push(doc);
    else byShard.set(n, [doc]);
  }
  const problems: StoreFileProblem[] = [];
  const contents = new Map<number, Map<string, Doc>>();
  for (const [n, docs] of byShard) {
    const file = partitionFile(dir, shardName(n));
    // A shard already there was written by a carry-over that a crash cut short: keep what it holds.
    const present = (await exists(file)) ? await readPartition(file, shardName(n), schemas) : { ok: true as const, docs: [] };
    if (!present.ok) {
      problems.push(...present.problems);
      continue;
    }
    contents.set(n, new Map([...present.docs, ...docs].map((doc) => [doc.id, doc] as const)));
  }
  if (problems.length > 0) return { outcome: null, problems };

  const prepared = [];
  try {
    for (const [n, docs] of contents) prepared.push(await new DurableJsonFile(partitionFile(dir, shardName(n)), options).prepare(docs));
  } catch (error) {
    await Promise.all(prepared.map((p) => p.abort()));
    throw error;
  }
  for (const write of prepared) await write.commit();
  await syncFolder(dir);
  // Only now that every shard is durable: the old copy goes, its last good copy first.
  await rm(backupPath(oldFile), { force: true });
  await rm(oldFile, { force: true });
  await syncFolder(dir);
  return { outcome: { collection: name, shards, documents: old.docs.length }, problems: [] };
}

const exists = (file: string): Promise<boolean> => stat(file).then(() => true, () => false);
