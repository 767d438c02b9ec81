import { randomBytes } from "node:crypto";
import { access, open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { keepBackup, syncFolder, tempPath } from "./durable-json-file.js";

/**
 * A write of several partitions is atomic across them: once every new content is written and
 * synced beside its file (`<file>.tmp`), the store writes this record, naming those files, and
 * syncs it. That is the commit point. The temps are then renamed over their files and the record
 * removed. A crash before the record leaves the old files (the temps are never read); a crash
 * after it leaves some files renamed and some not, and the next open finishes the renames
 * (`finishCommit`) before anything is read. Not a partition: the name fails the collection rule.
 */
export const COMMIT_RECORD = ".commit";

export interface CommitRecord {
  id: string;
  /** The partition files (base names) whose temps this write renames over them. */
  files: string[];
}

const isRecord = (value: unknown): value is CommitRecord =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as CommitRecord).id === "string" &&
  Array.isArray((value as CommitRecord).files) &&
  (value as CommitRecord).files.every((file) => typeof file === "string" && !file.includes("/") && !file.includes("\\") && file.endsWith(".json"));

/** The record in `dir`, if a write committed and was not finished. A record that does not read is no record: it is written whole (temp, sync, rename) or not at all. */
export async function readCommitRecord(dir: string): Promise<CommitRecord | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, COMMIT_RECORD), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The commit point: the record naming `files`, durable (its own temp, sync, rename, folder sync). */
export async function writeCommitRecord(dir: string, files: readonly string[]): Promise<void> {
  const record: CommitRecord = { id: randomBytes(8).toString("hex"), files: [...files] };
  const file = join(dir, COMMIT_RECORD);
  const temp = tempPath(file);
  try {
    const handle = await open(temp, "w", 0o600);
    try {
      await handle.writeFile(JSON.stringify(record));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
    await syncFolder(dir);
  } catch (error) {
    // Not committed: no record may be left to name temps the caller is about to remove.
    await rm(file, { force: true }).catch(() => {});
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}

/** Removes the record once every rename is done (made durable by the folder sync that follows). */
export async function clearCommitRecord(dir: string): Promise<void> {
  await rm(join(dir, COMMIT_RECORD), { force: true });
}

/**
 * Finishes a committed write a crash (or a refused rename) left half done: every temp the record
 * names that is still there goes over its file, then the record goes. Idempotent, and safe while
 * the store's writer finishes the same renames (a temp already renamed is skipped). Before each
 * rename the record is read again, so a writer that finished meanwhile and began another write
 * (whose temps are not committed) is never finished by mistake. Returns the files it renamed.
 */
export async function finishCommit(dir: string): Promise<string[]> {
  const record = await readCommitRecord(dir);
  if (!record) return [];
  const renamed: string[] = [];
  for (const name of record.files) {
    if ((await readCommitRecord(dir))?.id !== record.id) return renamed;
    const file = join(dir, name);
    // Renamed already (by the writer, or before a crash): its file is the new one, keep its backup.
    if (!(await exists(tempPath(file)))) continue;
    await keepBackup(file);
    try {
      await rename(tempPath(file), file);
      renamed.push(name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
  }
  await clearCommitRecord(dir);
  await syncFolder(dir);
  return renamed;
}

const exists = (file: string): Promise<boolean> =>
  access(file).then(
    () => true,
    () => false,
  );
