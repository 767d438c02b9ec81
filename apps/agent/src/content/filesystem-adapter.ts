import { createHash, randomBytes } from "node:crypto";
import { rename as renameCallback, writeFile as writeFileCallback } from "node:fs";
import { mkdir, readFile, rm, stat } from "node:fs/promises";
import type { Stats } from "node:fs";
import { promisify } from "node:util";
import { basename, dirname, join } from "node:path";
import type { ApplyItem } from "@canopy/protocol";
import type { ContentAdapter, DriftCheck } from "./content-adapter.js";
import type { ContentLocations } from "./content-locations.js";
import { insideContentDir } from "./file-names.js";
import type { ManifestDoc } from "./manifest.js";

export const sha256 = (bytes: Buffer | string): string => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

/**
 * The file's bytes: a Sigma rule's original YAML (or YAML made from it), anything else pretty JSON.
 * `yaml` loads on the first rule without its original text: an idle agent never needs it (~4 MiB).
 */
export async function renderContent(item: Pick<ApplyItem, "kind" | "body">): Promise<string> {
  if (item.kind === "siem-rule") {
    const raw = (item.body as { raw?: unknown } | null)?.raw;
    if (typeof raw === "string" && raw.trim() !== "") return raw;
    const { stringify } = await import("yaml");
    // YAML 1.1 rules for quoting: Sigma tools read 1.1, where a bare `yes` is true and `2024-01-01` a date.
    return stringify(item.body, { version: "1.1" });
  }
  return `${JSON.stringify(item.body, null, 2)}\n`;
}

/** `.<file>.<12 hex>.tmp`: what writeAtomically names its temp files (content files are never hidden). */
const ATOMIC_TEMP = /^\.[^/\\]+\.(json|yml)\.[0-9a-f]{12}\.tmp$/;

/** Whether a file in the content dir is a temp file of writeAtomically (left by a process killed mid-write). */
export const isAtomicWriteTemp = (fileName: string): boolean => ATOMIC_TEMP.test(fileName);

/**
 * The callback forms: fs/promises opens a FileHandle per write (an object to track and finalize),
 * which cost a third more CPU per file than these when an agent writes thousands of rules.
 */
const writeFile = promisify(writeFileCallback);
const rename = promisify(renameCallback);

/**
 * Temp file in the same folder + rename: a reader (the tenant's SIEM) never sees half a file.
 * The folder is made only when the write finds it missing: a recursive mkdir per item was a
 * tenth of an agent's time applying thousands of rules into folders that were there already.
 */
export async function writeAtomically(path: string, bytes: Buffer): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    try {
      await writeFile(temp, bytes, { flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      await mkdir(dirname(path), { recursive: true });
      await writeFile(temp, bytes, { flag: "wx" });
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/**
 * Hashes applied files to detect drift. A file whose inode, size, mtime and ctime are what they
 * were at the last scan is not read again, so a scan of thousands of files costs a stat each.
 */
export class FileChecker {
  readonly #contentDir: string;
  readonly #seen = new Map<string, { stamp: string; hash: string }>();

  constructor(contentDir: string) {
    this.#contentDir = contentDir;
  }

  async check(entry: Pick<ManifestDoc, "location" | "fileHash">): Promise<DriftCheck> {
    if (!entry.location || !entry.fileHash) return { state: "ok", localHash: entry.fileHash ?? null };
    const path = insideContentDir(this.#contentDir, entry.location);
    let stamp: string;
    try {
      const stats = await stat(path);
      if (!stats.isFile()) return this.#gone(path);
      stamp = stampOf(stats);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") return this.#gone(path);
      throw error;
    }
    let hash = this.#seen.get(path)?.stamp === stamp ? this.#seen.get(path)!.hash : undefined;
    if (hash === undefined) {
      try {
        hash = sha256(await readFile(path));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return this.#gone(path);
        throw error;
      }
      this.#seen.set(path, { stamp, hash });
    }
    return { state: hash === entry.fileHash ? "ok" : "changed", localHash: hash };
  }

  /**
   * A file this agent has just written, with the hash of the bytes it wrote: the next scan knows
   * it by its stat alone. Without this, every scan (every 10 s) after a push of thousands of
   * rules read and hashed each file again. A change in the instant between the write and this
   * stat would be taken for what was written (it is seen at its next change).
   */
  async written(path: string, hash: string): Promise<void> {
    try {
      this.#seen.set(path, { stamp: stampOf(await stat(path)), hash });
    } catch {
      this.#seen.delete(path);
    }
  }

  #gone(path: string): DriftCheck {
    this.#seen.delete(path);
    return { state: "missing", localHash: null };
  }
}

const stampOf = (stats: Stats): string => `${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;

const FILESYSTEM_CONCURRENCY = 8;

/**
 * The default adapter: each item is a file under `<dataDir>/content/<kind>/`, where a local SIEM
 * or SOAR picks it up. Replacing by name is overwriting the same file.
 */
export function createFilesystemAdapter(contentDir: string, checker: FileChecker, locations: ContentLocations): ContentAdapter {
  return {
    type: "filesystem",
    // Each write is a few round trips to the disk; overlapping them is what makes large pushes fast.
    concurrency: FILESYSTEM_CONCURRENCY,
    async apply(item) {
      const location = locations.locate(item.kind, item.name);
      const path = insideContentDir(contentDir, location);
      const bytes = Buffer.from(await renderContent(item), "utf8");
      try {
        await writeAtomically(path, bytes);
      } catch (error) {
        // Node's message names the temp file ("EACCES: permission denied, open '…'"); the first part says enough.
        const reason = (error instanceof Error ? error.message : String(error)).split(", ")[0];
        throw new Error(`could not write ${location}: ${reason}`, { cause: error });
      }
      const fileHash = sha256(bytes);
      await checker.written(path, fileHash);
      return { location, fileHash };
    },
    async remove(entry) {
      // An item applied by another adapter has no file here; one recorded without a location has none either.
      if (entry.adapter !== "filesystem" || entry.location === undefined) return;
      try {
        await rm(insideContentDir(contentDir, entry.location), { force: true });
      } catch (error) {
        const reason = (error instanceof Error ? error.message : String(error)).split(", ")[0];
        throw new Error(`could not delete ${entry.location}: ${reason}`, { cause: error });
      }
    },
    check: (entry) => checker.check(entry),
  };
}
