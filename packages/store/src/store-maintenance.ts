import { link, rename, stat } from "node:fs/promises";
import type { CollectionSchemas } from "./collection-schemas.js";
import { backupPath, syncFolder } from "./durable-json-file.js";
import { loadPartitions, partitionFile, partitionNames, readBackup, type BackupInfo } from "./partition-loader.js";
import { describeProblem, type StoreFileProblem } from "./store-errors.js";
import { assertCollectionName } from "./store.js";

/** What `check` found: every problem, and how much is readable. */
export interface StoreCheck {
  files: number;
  documents: number;
  problems: StoreFileProblem[];
}

/** Reads every partition in `dir` as opening the store would, and lists every problem. Writes nothing. */
export async function checkStore(dir: string, schemas: CollectionSchemas): Promise<StoreCheck> {
  const loaded = await loadPartitions(dir, schemas);
  let documents = 0;
  for (const docs of loaded.partitions.values()) documents += docs.length;
  return { files: (await partitionNames(dir)).length, documents, problems: loaded.problems };
}

export interface RestoreOutcome {
  /** Where the file that was there went (`<name>.json.damaged-<time>`), or null when there was none. */
  setAside: string | null;
  /** The copy now in place, or null when the collection starts empty (`discard`). */
  restored: BackupInfo | null;
}

/** Why a restore did nothing (the user's next step is in the message). */
export class StoreRestoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreRestoreError";
  }
}

const stamp = (at: Date): string => at.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");

/**
 * Puts a collection's last good copy (`.bak`) back in place of its file, which is set aside as
 * `<name>.json.damaged-<time>` (never deleted). With `discard` and no usable copy, the file is
 * only set aside and the collection starts empty. Run it while nothing has the store open.
 */
export async function restoreCollection(
  dir: string,
  collection: string,
  schemas: CollectionSchemas,
  options: { discard?: boolean; now?: Date } = {},
): Promise<RestoreOutcome> {
  try {
    assertCollectionName(collection);
  } catch {
    throw new StoreRestoreError(`"${collection}" is not a collection name (store check lists them)`);
  }
  const file = partitionFile(dir, collection);
  const backup = await readBackup(dir, collection, schemas);
  const usable = backup !== null && !Array.isArray(backup);
  const present = await exists(file);
  if (!present && backup === null) throw new StoreRestoreError(`there is no collection ${collection} in ${dir} (no ${file}, no last good copy)`);
  if (!usable && !options.discard) {
    const why =
      backup === null
        ? `there is no last good copy (${backupPath(file)})`
        : `its last good copy is damaged too:\n${backup.map((p) => `  ${describeProblem(p)}`).join("\n")}`;
    throw new StoreRestoreError(`cannot restore ${collection}: ${why}; to set ${file} aside and start the collection empty, add --discard`);
  }
  const setAside = present ? `${file}.damaged-${stamp(options.now ?? new Date())}` : null;
  if (setAside) await rename(file, setAside);
  if (usable) {
    // A link, so the .bak stays as it is: a later write keeps the file it replaces as the new .bak.
    await link(backupPath(file), file);
  }
  await syncFolder(dir);
  return { setAside, restored: usable ? backup : null };
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
