import { readFileSync } from "node:fs";
import { access, readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { schemaFor, type CollectionSchemas } from "./collection-schemas.js";
import { readCommitRecord } from "./commit-record.js";
import { backupPath, tempPath } from "./durable-json-file.js";
import { parsePartition } from "./partition-file.js";
import { StoreFileError, describeProblem, type StoreFileProblem } from "./store-errors.js";
import { assertCollectionName, type Doc } from "./store.js";

const SUFFIX = ".json";

/** What a folder holds: every readable partition, and what is wrong with the others. */
export interface LoadedPartitions {
  partitions: Map<string, Doc[]>;
  problems: StoreFileProblem[];
  /** Partitions left unread (`skip`): their names only. */
  skipped: string[];
}

/** The collection names of the partition files in `dir` (other files are not the store's). */
export async function partitionNames(dir: string): Promise<string[]> {
  const names: string[] = [];
  for (const entry of await readdir(dir)) {
    if (!entry.endsWith(SUFFIX)) continue;
    const name = entry.slice(0, -SUFFIX.length);
    try {
      assertCollectionName(name);
    } catch {
      continue; // not one of ours
    }
    names.push(name);
  }
  return names.sort();
}

export const partitionFile = (dir: string, name: string): string => join(dir, `${name}${SUFFIX}`);

/** Reads and checks one partition file (its shape, then each document against its schema). */
export async function readPartition(file: string, collection: string, schemas: CollectionSchemas) {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "EUNKNOWN";
    return { ok: false as const, problems: [{ collection, file, message: `could not be read (${code})` }] };
  }
  return parsePartition(text, { collection, file }, schemaFor(schemas, collection));
}

/**
 * Every partition in `dir`, checked; a damaged file leaves its problems and no partition. A
 * committed write not yet finished (commit-record.ts) is read as finished, from its temps, and
 * nothing is changed on disk (a store opened for writing finishes it first).
 */
export async function loadPartitions(dir: string, schemas: CollectionSchemas, skip: (name: string) => boolean = () => false): Promise<LoadedPartitions> {
  const loaded: LoadedPartitions = { partitions: new Map(), problems: [], skipped: [] };
  const committed = new Map<string, string>();
  for (const file of (await readCommitRecord(dir))?.files ?? []) {
    const temp = tempPath(join(dir, file));
    if (await access(temp).then(() => true, () => false)) committed.set(file.slice(0, -SUFFIX.length), temp);
  }
  const names = new Set([...(await partitionNames(dir)), ...committed.keys()]);
  for (const name of [...names].sort()) {
    if (skip(name)) {
      loaded.skipped.push(name);
      continue;
    }
    const parsed = await readPartition(committed.get(name) ?? partitionFile(dir, name), name, schemas);
    if (parsed.ok) loaded.partitions.set(name, parsed.docs);
    else loaded.problems.push(...parsed.problems);
  }
  return loaded;
}

/**
 * One partition's documents, checked, read when first needed rather than at open (a cold
 * partition): no file is an empty partition; a damaged one throws the problems, never reads as
 * empty (its next write would overwrite what the file still holds).
 */
export function readPartitionNow(dir: string, name: string, schemas: CollectionSchemas): Doc[] {
  const file = partitionFile(dir, name);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return docsOrThrow(parsePartition(text, { collection: name, file }, schemaFor(schemas, name)));
}

/** `readPartitionNow` without blocking. */
export async function readPartitionLater(dir: string, name: string, schemas: CollectionSchemas): Promise<Doc[]> {
  const file = partitionFile(dir, name);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
  return docsOrThrow(parsePartition(text, { collection: name, file }, schemaFor(schemas, name)));
}

function docsOrThrow(parsed: ReturnType<typeof parsePartition>): Doc[] {
  if (parsed.ok) return parsed.docs;
  throw new StoreFileError(parsed.problems.map(describeProblem).join("\n"), parsed.problems);
}

/** The last good copy of a partition, when there is one and it reads cleanly. */
export interface BackupInfo {
  file: string;
  documents: number;
  /** When it was written (its mtime). */
  writtenAt: Date;
}

export async function readBackup(dir: string, name: string, schemas: CollectionSchemas): Promise<BackupInfo | StoreFileProblem[] | null> {
  const file = backupPath(partitionFile(dir, name));
  let info;
  try {
    info = await stat(file);
  } catch {
    return null;
  }
  const parsed = await readPartition(file, name, schemas);
  if (!parsed.ok) return parsed.problems;
  return { file, documents: parsed.docs.length, writtenAt: info.mtime };
}
