import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLowdbStore } from "./lowdb-store.js";

interface Thing {
  id: string;
  n: number;
}

describe("lowdb store", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "canopy-store-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("coalesces thousands of changes into one write per partition", async () => {
    const store = await createLowdbStore({ dir });
    const things = store.collection<Thing>("things");
    for (let i = 0; i < 5000; i++) things.put({ id: `t${i % 100}`, n: i });
    await store.flush();
    expect(store.stats().changes).toBe(5000);
    expect(store.stats().writes).toBe(1);
    const onDisk = JSON.parse(await readFile(join(dir, "things.json"), "utf8"));
    expect(Object.keys(onDisk.docs)).toHaveLength(100);
    expect(onDisk.docs.t99.n).toBe(4999);
    await store.close();
  });

  it("writes only the partitions that changed", async () => {
    const store = await createLowdbStore({ dir });
    store.collection<Thing>("a").put({ id: "1", n: 1 });
    store.collection<Thing>("b").put({ id: "1", n: 1 });
    await store.flush();
    store.collection<Thing>("a").put({ id: "2", n: 2 });
    await store.flush();
    expect(store.stats().writes).toBe(3);
    await store.close();
  });

  it("writes in the background without a flush", async () => {
    const store = await createLowdbStore({ dir, coalesceMs: 5 });
    store.collection<Thing>("things").put({ id: "x", n: 1 });
    await new Promise((r) => setTimeout(r, 100));
    expect(JSON.parse(await readFile(join(dir, "things.json"), "utf8")).docs.x.n).toBe(1);
    await store.close();
  });

  it("a flush waits for a background write already under way", async () => {
    const store = await createLowdbStore({ dir, coalesceMs: 1 });
    const things = store.collection<Thing>("things");
    // Large enough that the timer's write is still running when flush() is called.
    for (let i = 0; i < 20_000; i++) things.put({ id: `t${i}`, n: i });
    await new Promise((r) => setTimeout(r, 5));
    await store.flush();
    const onDisk = JSON.parse(await readFile(join(dir, "things.json"), "utf8"));
    expect(Object.keys(onDisk.docs)).toHaveLength(20_000);
    await store.close();
  });

  it("reopens with everything that was flushed, deletes included", async () => {
    const first = await createLowdbStore({ dir });
    const c = first.collection<Thing>("things");
    c.put({ id: "keep", n: 1 });
    c.put({ id: "gone", n: 2 });
    c.update("keep", { n: 3 });
    c.delete("gone");
    await first.close();

    const second = await createLowdbStore({ dir });
    expect(second.collection<Thing>("things").all()).toEqual([{ id: "keep", n: 3 }]);
    await second.close();
  });

  it("leaves no temp files behind (atomic rename)", async () => {
    const store = await createLowdbStore({ dir });
    for (let i = 0; i < 20; i++) {
      store.collection<Thing>("things").put({ id: `${i}`, n: i });
      await store.flush();
    }
    await store.close();
    expect(await readdir(dir)).toEqual(["things.json"]);
  });

  it("refuses to start on a corrupt file instead of silently dropping it", async () => {
    await writeFile(join(dir, "things.json"), "{not json");
    await expect(createLowdbStore({ dir })).rejects.toThrow(/not valid JSON/);
  });

  it("rejects collection names that could escape the folder", async () => {
    const store = await createLowdbStore({ dir });
    expect(() => store.collection("../etc")).toThrow(/invalid collection name/);
    await store.close();
  });
});
