import { copyFile, link, open, readFile, rename, rm, type FileHandle } from "node:fs/promises";
import { dirname } from "node:path";
import type { Adapter } from "lowdb";
import { partitionChunks, type PartitionFile } from "./partition-file.js";
import { StoreWriteError } from "./store-errors.js";

/**
 * Called before each file is written, to inject a disk fault (tests where a read-only or full
 * mount is not possible). Throw the error the disk would give (`code: "EROFS"`, …).
 */
export type WriteFaultHook = (file: string) => void;

/** A new partition content, written and synced beside the file, waiting to replace it. */
export interface PreparedWrite {
  /** The new content's size in bytes. */
  readonly bytes: number;
  /** Keeps the current file as `.bak` (a hard link: no copy) and renames the new one over it. */
  commit(): Promise<void>;
  /** Removes the temp file (the write is abandoned). */
  abort(): Promise<void>;
}

/** `<file>.bak`: the previous generation, kept by every write. */
export const backupPath = (file: string): string => `${file}.bak`;
/** `<file>.tmp`: the next generation while it is written (one writer per store). */
export const tempPath = (file: string): string => `${file}.tmp`;

/**
 * lowdb's adapter for one partition file, durable where lowdb's JSONFile is only atomic: the new
 * content goes to a temp file that is fsynced, the old file is kept as `<file>.bak`, the temp is
 * renamed over the file and the folder is fsynced. `write` does it all; the store uses
 * `prepare` + `commit` so that a write of many partitions changes no file unless every new
 * content could be written (a full or read-only disk fails while preparing).
 */
export class DurableJsonFile implements Adapter<PartitionFile> {
  readonly file: string;
  readonly #fault: WriteFaultHook | undefined;

  constructor(file: string, options: { fault?: WriteFaultHook | undefined } = {}) {
    this.file = file;
    this.#fault = options.fault;
  }

  /** The parsed file, or null when there is none (lowdb's contract). Shape checks are the caller's. */
  async read(): Promise<PartitionFile | null> {
    try {
      return JSON.parse(await readFile(this.file, "utf8")) as PartitionFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw error;
    }
  }

  async write(data: PartitionFile): Promise<void> {
    const prepared = await this.prepare(new Map(Object.entries(data.docs)));
    await prepared.commit();
    await syncFolder(dirname(this.file));
  }

  /** Serializes `docs` (a snapshot nothing else changes), then writes and syncs the temp file. */
  async prepare(docs: ReadonlyMap<string, { id: string }>): Promise<PreparedWrite> {
    const temp = tempPath(this.file);
    let bytes = 0;
    try {
      this.#fault?.(this.file);
      const handle = await open(temp, "w", 0o600);
      try {
        for (const chunk of partitionChunks(docs)) {
          const encoded = Buffer.from(chunk, "utf8");
          await writeAll(handle, encoded);
          bytes += encoded.length;
        }
        await handle.sync();
      } finally {
        await handle.close();
      }
    } catch (error) {
      await rm(temp, { force: true }).catch(() => {});
      throw new StoreWriteError(this.file, error);
    }
    return {
      bytes,
      commit: () => this.#commit(temp),
      abort: () => rm(temp, { force: true }).catch(() => {}),
    };
  }

  async #commit(temp: string): Promise<void> {
    try {
      await keepBackup(this.file);
      await rename(temp, this.file);
    } catch (error) {
      // The temp stays: a committed write of several partitions (commit-record.ts) is finished
      // from it later. Nothing reads it otherwise, and the next write replaces it.
      throw new StoreWriteError(this.file, error);
    }
  }
}

/** A write may take fewer bytes than given (a disk filling up): go on until all are written or it fails. */
async function writeAll(handle: FileHandle, bytes: Buffer): Promise<void> {
  for (let offset = 0; offset < bytes.length; ) offset += (await handle.write(bytes, offset)).bytesWritten;
}

/** The current file becomes `.bak` (hard link, or a copy where links are not supported). */
export async function keepBackup(file: string): Promise<void> {
  const backup = backupPath(file);
  await rm(backup, { force: true });
  try {
    await link(file, backup);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return; // the first write: nothing to keep
    if (code === "EEXIST") return; // made a moment ago by a reader finishing a commit (commit-record.ts)
    if (code === "EPERM" || code === "ENOTSUP" || code === "EOPNOTSUPP" || code === "EXDEV") await copyFile(file, backup);
    else throw error;
  }
}

/** Renames are durable only once the folder is synced. */
export async function syncFolder(folder: string): Promise<void> {
  const handle = await open(folder, "r");
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems cannot sync a folder; there is nothing more to do there.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "EINVAL" && code !== "EISDIR" && code !== "ENOTSUP") throw error;
  } finally {
    await handle.close();
  }
}
