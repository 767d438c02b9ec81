import { readdir, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { isAtomicWriteTemp } from "./filesystem-adapter.js";
import type { AgentLogger } from "../core/logger.js";
import type { AgentPaths } from "../core/paths.js";
import { liveRuntimeRecord } from "../core/runtime-file.js";

/** steno (lowdb's writer) writes `<dir>/.<file>.tmp` and renames it over `<file>`. */
const STORE_TEMP = /^\.[^/\\]+\.json\.tmp$/;
/** runtime.json and adapter.json are written `<file>.<12 hex>.tmp` + rename; the key `agent-key.pem.tmp`. */
const DATA_DIR_TEMP = /^((runtime|adapter)\.json\.[0-9a-f]{12}|agent-key\.pem)\.tmp$/;

export interface DebrisCleanup {
  /** Paths removed, relative to the data dir. */
  removed: string[];
  /** Why nothing was looked at: another agent is writing this data dir right now. */
  skipped?: string;
}

/**
 * Removes the temp files of writes that never finished: a process killed between writing a temp
 * file and renaming it leaves it behind, sometimes truncated, and nothing else would ever delete
 * it. Only files named the way our writers name their temp files are removed: in `content/`
 * (any depth, never through a symlink, never a symlink itself), in `state/` and in the data dir.
 * Nothing is removed while another agent runs for the data dir, since its temp files are
 * writes in progress. The applied items those writes belonged to were never acknowledged (the
 * manifest is stored after the rename, the ack sent after that), so the hub sends them again.
 */
export async function removeWriteDebris(paths: AgentPaths, logger?: AgentLogger): Promise<DebrisCleanup> {
  const running = await liveRuntimeRecord(paths.runtimeFile);
  if (running) return { removed: [], skipped: `an agent (pid ${running.pid}) is running for ${paths.dataDir}` };
  const unreadable = (dir: string, error: unknown) =>
    logger?.warn({ dir, err: error instanceof Error ? error.message : String(error) }, "could not look for temp files left by interrupted writes");
  const found = [
    ...(await tempFilesIn(paths.dataDir, (name) => DATA_DIR_TEMP.test(name), false, unreadable)),
    ...(await tempFilesIn(paths.stateDir, (name) => STORE_TEMP.test(name), false, unreadable)),
    ...(await tempFilesIn(paths.contentDir, isAtomicWriteTemp, true, unreadable)),
  ];
  const removed: string[] = [];
  for (const path of found) {
    try {
      await rm(path, { force: true });
      removed.push(relative(paths.dataDir, path));
    } catch (error) {
      logger?.warn({ path, err: error instanceof Error ? error.message : String(error) }, "could not remove a temp file left by an interrupted write");
    }
  }
  if (removed.length > 0) logger?.info({ count: removed.length, files: removed.slice(0, 5) }, "removed temp files left by interrupted writes");
  return { removed };
}

/** Regular files whose name passes `matches`; `deep` walks real subdirectories too (not symlinks). */
async function tempFilesIn(
  dir: string,
  matches: (name: string) => boolean,
  deep: boolean,
  unreadable: (dir: string, error: unknown) => void,
): Promise<string[]> {
  const found: string[] = [];
  const pending = [dir];
  for (let current = pending.pop(); current !== undefined; current = pending.pop()) {
    let entries;
    try {
      entries = await readdir(current, { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== "ENOENT" && code !== "ENOTDIR") unreadable(current, error);
      continue;
    }
    for (const entry of entries) {
      // Dirent describes the entry itself: a symlink is neither a file nor a directory here.
      if (entry.isFile() && matches(entry.name)) found.push(join(current, entry.name));
      else if (deep && entry.isDirectory()) pending.push(join(current, entry.name));
    }
  }
  return found;
}
