import { execFile } from "node:child_process";
import { mkdir, mkdtemp, open, rm, rmdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { WriteFaultHook } from "./durable-json-file.js";

const run = promisify(execFile);

/**
 * A folder whose disk a test can make read-only or full, and writable again. Where the process
 * may mount (root), it is a small tmpfs, remounted read-only or filled with a file: the real
 * errors from the real kernel. Elsewhere the same calls switch a write fault on (`fault`, to
 * pass to the store), so the test still runs and sees the same errno.
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
      if (mounted) await run("mount", ["-o", "remount,ro", base]);
      else injected = "EROFS";
    },
    async full() {
      if (mounted) await fill(filler);
      else injected = "ENOSPC";
    },
    async writable() {
      if (mounted) {
        await run("mount", ["-o", "remount,rw", base]);
        await rm(filler, { force: true });
      } else injected = null;
    },
    async cleanup() {
      if (mounted) {
        await run("umount", [base]).catch(() => run("umount", ["-l", base]));
        await rmdir(base);
      } else await rm(base, { recursive: true, force: true });
    },
  };
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
