import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createDiskFaults, type DiskFaults } from "./disk-faults.js";
import { createLowdbStore } from "./lowdb-store.js";
import { StoreWriteError } from "./store-errors.js";
import type { Store } from "./store.js";

interface Thing {
  id: string;
  text: string;
}

// A real small tmpfs where the process may mount (root), else the injected fault: never skipped.
describe("a read-only or full data folder", () => {
  let disk: DiskFaults;
  let store: Store;
  beforeEach(async () => {
    disk = await createDiskFaults({ sizeMiB: 4 });
    store = await createLowdbStore({ dir: disk.dir, fault: disk.fault, coalesceMs: 60_000 });
    store.collection<Thing>("things").put({ id: "durable", text: "kept" });
    await store.flush();
  });
  afterEach(async () => {
    await disk.writable();
    await store.close();
    await disk.cleanup();
  });

  const fileNow = async () => readFile(join(disk.dir, "things.json"), "utf8");

  for (const [fault, errno] of [
    ["read-only", "EROFS"],
    ["full", "ENOSPC"],
  ] as const) {
    it(`${fault}: the write fails with ${errno}, nothing changes on disk or in memory, and it recovers (${process.getuid?.() === 0 ? "tmpfs" : "seam"})`, async () => {
      const before = await fileNow();
      const things = store.collection<Thing>("things");
      things.put({ id: "new", text: "x".repeat(64 * 1024) });
      if (fault === "read-only") await disk.readOnly();
      else await disk.full();

      const error = await store.flush().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreWriteError);
      expect((error as StoreWriteError).errno).toBe(errno);
      expect((error as StoreWriteError).file).toBe(join(disk.dir, "things.json"));
      expect(things.get("new")).toBeUndefined();
      expect(await fileNow()).toBe(before);
      expect((await readdir(disk.dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);

      await disk.writable();
      things.put({ id: "after", text: "y" });
      await store.flush();
      expect(Object.keys(JSON.parse(await fileNow()).docs)).toEqual(["durable", "after"]);
    });
  }

  it("mounts a real tmpfs when running as root", () => {
    expect(disk.mode).toBe(process.getuid?.() === 0 ? "mount" : "seam");
  });
});
