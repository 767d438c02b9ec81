import { execFile } from "node:child_process";
import { chmod, mkdir, mkdtemp, open, readdir, rm, rmdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { WriteFaultHook } from "./durable-json-file.js";

const run = promisify(execFile);

/**
 * A folder whose disk a test can make read-only or full, and writable again. Where the process
 * may mount (root), it is a small tmpfs, remounted read-only or filled with a file: the real
 * errors from the real kernel. Elsewhere the same calls switch a write fault on (`fault`, to
 * pass to the store), so the test still runs and sees the same errno; read-only also takes the
 * folder's write permission away, for a store opened without the seam (a process that is not
 * root then gets EACCES).
 */
export interface DiskFaults {
  /** The folder to keep the store in (created, empty). */
  readonly dir: string;
  /** `mount`: a real tmpfs; `seam`: injected errors through `fault`. */
  readonly mode: "mount" | "seam";
  /** Pass to the store's `fault` option (it does nothing on a real mount). */
  readonly fault: WriteFaultHook;
  readOnly(): Promise<void>;
  full(): Promise<void>;
  writable(): Promise<void>;
  /** Unmounts and removes everything. Call it in afterAll/afterEach. */
  cleanup(): Promise<void>;
}

const errnoError = (code: string, file: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: simulated disk fault, open '${file}'`), { code });

export async function createDiskFaults(options: { sizeMiB?: number } = {}): Promise<DiskFaults> {
  const base = await mkdtemp(join(tmpdir(), "canopy-disk-"));
  const dir = join(base, "data");
  const mounted = await run("mount", ["-t", "tmpfs", "-o", `size=${options.sizeMiB ?? 16}m,mode=0700`, "tmpfs", base]).then(
    () => true,
    () => false,
  );
  await mkdir(dir, { recursive: true });
  let injected: string | null = null;
  const filler = join(base, "filler");
  return {
    dir,
    mode: mounted ? "mount" : "seam",
    fault: (file) => {
      if (injected) throw errnoError(injected, file);
    },
    async readOnly() {
      if (mounted) await remountReadOnly(base);
      else {
        injected = "EROFS";
        await chmodTree(dir, 0o555);
      }
    },
    async full() {
      if (mounted) await fill(filler);
      else injected = "ENOSPC";
    },
    async writable() {
      if (mounted) {
        await run("mount", ["-o", "remount,rw", base]);
        await rm(filler, { force: true });
      } else {
        injected = null;
        await chmodTree(dir, 0o755);
      }
    },
    async cleanup() {
      if (mounted) {
        await run("umount", [base]).catch(() => run("umount", ["-l", base]));
        await rmdir(base);
      } else {
        await chmodTree(dir, 0o755);
        await rm(base, { recursive: true, force: true });
      }
    },
  };
}

/** The kernel refuses while a file is open for writing (a store write under way): try again until a deadline. */
async function remountReadOnly(base: string, deadlineMs = 5000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    try {
      await run("mount", ["-o", "remount,ro", base]);
      return;
    } catch (error) {
      if (!/busy/.test(String((error as { stderr?: string }).stderr ?? error)) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

/** The folder and the folders below it (files need no change: a folder decides what is created or renamed). */
async function chmodTree(dir: string, mode: number): Promise<void> {
  await chmod(dir, mode);
  for (const entry of await readdir(dir, { withFileTypes: true })) if (entry.isDirectory()) await chmodTree(join(dir, entry.name), mode);
}

/** Writes zeros until the disk says ENOSPC. */
async function fill(file: string): Promise<void> {
  const handle = await open(file, "a");
  const chunk = Buffer.alloc(256 * 1024);
  try {
    for (;;) await handle.write(chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
  } finally {
    await handle.close().catch(() => {});
  }
  // A partial chunk may leave a few bytes: fill them one small write at a time.
  const tail = await open(file, "a");
  try {
    for (;;) await tail.write(Buffer.alloc(512));
  } catch {
    // full
  } finally {
    await tail.close().catch(() => {});
  }
}
