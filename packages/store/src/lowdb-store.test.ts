import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLowdbStore } from "./lowdb-store.js";

interface Thing {
  id: string;
  n: number;
}

const readJson = async (file: string) => JSON.parse(await readFile(file, "utf8"));

describe("lowdb store", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "canopy-store-"));
  });
  afterEach(async () => {
    vi.useRealTimers();
    await rm(dir, { recursive: true, force: true });
  });

  it("coalesces thousands of changes into one write per partition", async () => {
    const store = await createLowdbStore({ dir });
    const things = store.collection<Thing>("things");
    for (let i = 0; i < 5000; i++) things.put({ id: `t${i % 100}`, n: i });
    await store.flush();
    expect(store.stats().changes).toBe(5000);
    expect(store.stats().writes).toBe(1);
    const onDisk = await readJson(join(dir, "things.json"));
    expect(Object.keys(onDisk.docs)).toHaveLength(100);
    expect(onDisk.docs.t99.n).toBe(4999);
    await store.close();
  });

  it("counts the bytes it writes: a change costs its partition's size, not the store's", async () => {
    const store = await createLowdbStore({ dir });
    const big = store.collection<Thing>("big");
    for (let i = 0; i < 1000; i++) big.put({ id: `t${i}`, n: i });
    await store.flush();
    const afterBig = store.stats().bytesWritten!;
    expect(afterBig).toBe((await readFile(join(dir, "big.json"))).length);
    store.collection<Thing>("small").put({ id: "1", n: 1 });
    await store.flush();
    expect(store.stats().bytesWritten! - afterBig).toBe((await readFile(join(dir, "small.json"))).length);
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

  it("writes in the background, coalesceMs after a change, without a flush", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const store = await createLowdbStore({ dir, coalesceMs: 50 });
    store.collection<Thing>("things").put({ id: "x", n: 1 });
    await vi.advanceTimersByTimeAsync(49);
    expect(await readdir(dir)).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    // The write is real I/O now under way: wait for it with a deadline, not a fixed sleep.
    await vi.waitFor(async () => expect((await readJson(join(dir, "things.json"))).docs.x.n).toBe(1), { timeout: 5000, interval: 5 });
    expect(store.stats().writes).toBe(1);
    await store.close();
  });

  it("a flush waits for a background write already under way", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const store = await createLowdbStore({ dir, coalesceMs: 1 });
    const things = store.collection<Thing>("things");
    for (let i = 0; i < 20_000; i++) things.put({ id: `t${i}`, n: i });
    // The timer's write starts (and takes the partition) before the flush is asked for.
    await vi.advanceTimersByTimeAsync(1);
    await store.flush();
    const onDisk = await readJson(join(dir, "things.json"));
    expect(Object.keys(onDisk.docs)).toHaveLength(20_000);
    expect(store.stats().writes).toBe(1);
    await store.close();
  });

  it("reopens with everything that was flushed, deletes included", async () => {
    const first = await createLowdbStore({ dir });
    const c = first.collection<Thing>("things");
    c.put({ id: "keep", n: 1 });
    c.put({ id: "gone", n: 2 });
    c.update("keep", { n: 3 });
    c.delete("gone");
    c.put({ id: "edited", n: 1 });
    c.edit("edited", (doc) => void (doc.n = 7));
    await first.close();

    const second = await createLowdbStore({ dir });
    expect(second.collection<Thing>("things").all()).toEqual([
      { id: "keep", n: 3 },
      { id: "edited", n: 7 },
    ]);
    await second.close();
  });

  it("keeps the previous generation as .bak and leaves no temp file behind", async () => {
    const store = await createLowdbStore({ dir });
    for (let i = 0; i < 3; i++) {
      store.collection<Thing>("things").put({ id: `${i}`, n: i });
      await store.flush();
    }
    await store.close();
    expect((await readdir(dir)).sort()).toEqual(["things.json", "things.json.bak"]);
    expect(Object.keys((await readJson(join(dir, "things.json"))).docs)).toEqual(["0", "1", "2"]);
    expect(Object.keys((await readJson(join(dir, "things.json.bak"))).docs)).toEqual(["0", "1"]);
  });

  it("writes compact JSON", async () => {
    const store = await createLowdbStore({ dir });
    store.collection<Thing>("things").put({ id: "a", n: 1 });
    await store.close();
    expect(await readFile(join(dir, "things.json"), "utf8")).toBe('{"version":1,"docs":{"a":{"id":"a","n":1}}}');
  });

  it("reads the file a crashed write never replaced, leaves its temp file alone (another process may be writing it), and replaces it with the next write", async () => {
    await writeFile(join(dir, "things.json"), '{"version":1,"docs":{"a":{"id":"a","n":1}}}');
    await writeFile(join(dir, "things.json.tmp"), '{"version":1,"docs":{"a":{"id":"a","n');
    const store = await createLowdbStore({ dir });
    expect(store.collection<Thing>("things").get("a")?.n).toBe(1);
    expect((await readdir(dir)).sort()).toEqual(["things.json", "things.json.tmp"]);
    store.collection<Thing>("things").put({ id: "b", n: 2 });
    await store.close();
    expect((await readdir(dir)).sort()).toEqual(["things.json", "things.json.bak"]);
  });

  it("rejects collection names that could escape the folder", async () => {
    const store = await createLowdbStore({ dir });
    expect(() => store.collection("../etc")).toThrow(/invalid collection name/);
    await store.close();
  });
});
