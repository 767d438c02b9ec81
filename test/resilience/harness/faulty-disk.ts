import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createDiskFaults } from "@canopy/store/testing";

export type DiskFault = "read-only" | "full";

/** The words the store uses for each errno (apps/hub/README.md "Data dir"). */
export const REASONS: Record<string, string> = {
  EROFS: "its data folder is read-only (EROFS)",
  ENOSPC: "its disk is full (ENOSPC)",
  EACCES: "it is not allowed to write its data folder (EACCES)",
};

/** A folder on a disk of its own that a test makes refuse writes from other processes. */
export interface FaultyDisk {
  readonly dir: string;
  /** `tmpfs`: a real mount, the kernel's own errors; `no write permission`: the folder's mode taken away. */
  readonly mode: "tmpfs" | "no write permission";
  /** Makes the disk refuse writes; resolves with the errno a writer now gets. */
  refuse(fault: DiskFault): Promise<string>;
  writable(): Promise<void>;
  /** Writable again, unmounted and removed: call it in afterAll (also after a failure). */
  cleanup(): Promise<void>;
}

/**
 * A small tmpfs (`@canopy/store/testing`), remounted read-only or filled up. Where the test may
 * not mount, the disk's injected faults cannot reach a hub or agent in another process, so the
 * folder's write permission is taken away instead (EACCES for both faults, as the figures say);
 * a process that ignores permissions (root without a mount) makes that impossible, and the
 * disk says so rather than let a test pass that injected nothing.
 */
export async function faultyDisk(sizeMiB: number): Promise<FaultyDisk> {
  const disk = await createDiskFaults({ sizeMiB });
  return {
    dir: disk.dir,
    mode: disk.mode === "mount" ? "tmpfs" : "no write permission",
    async refuse(fault) {
      if (disk.mode === "mount") {
        await (fault === "read-only" ? disk.readOnly() : disk.full());
        return fault === "read-only" ? "EROFS" : "ENOSPC";
      }
      await disk.readOnly();
      const probe = join(disk.dir, ".write-probe");
      if (await writeFile(probe, "").then(() => true, () => false)) {
        await rm(probe, { force: true });
        throw new Error("mounting a tmpfs was refused and this process writes through a folder without write permission (root): no disk fault can reach another process");
      }
      return "EACCES";
    },
    writable: () => disk.writable(),
    async cleanup() {
      await disk.writable().catch(() => {});
      await disk.cleanup();
    },
  };
}
