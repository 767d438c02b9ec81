import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLowdbStore } from "./lowdb-store.js";
import { createMemoryStore } from "./memory-store.js";
import { ShardedCollection, shardOf } from "./sharded-collection.js";

interface Thing {
  id: string;
  n: number;
}

describe("sharded collection", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "canopy-shards-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("behaves as one collection", () => {
    const things = new ShardedCollection<Thing>(createMemoryStore(), "things", 4);
    for (let i = 0; i < 100; i++) things.put({ id: `t${i}`, n: i });
    expect(things.size).toBe(100);
    expect(things.get("t42")?.n).toBe(42);
    expect(things.find((t) => t.n === 77)?.id).toBe("t77");
    expect(things.filter((t) => t.n % 10 === 0)).toHaveLength(10);
    expect(things.update("t1", { n: -1 })?.n).toBe(-1);
    expect(things.update("nope", { n: 1 })).toBeUndefined();
    expect(things.delete("t2")).toBe(true);
    expect(things.delete("t2")).toBe(false);
    expect(things.all().map((t) => t.id).sort()).toHaveLength(99);
    expect(things.shards.map((s) => s.size).every((n) => n > 0)).toBe(true);
    expect(things.clear()).toBe(99);
    expect(things.size).toBe(0);
  });

  it("rewrites only the shard a change lands in, and reads back after a restart", async () => {
    const store = await createLowdbStore({ dir });
    const things = new ShardedCollection<Thing>(store, "things");
    for (let i = 0; i < 1000; i++) things.put({ id: `t${i}`, n: i });
    await store.flush();
    const files = (await readdir(dir)).filter((f) => f.startsWith("things.")).sort();
    expect(files).toHaveLength(16);
    const writesBefore = store.stats().writes;
    things.update("t500", { n: 5000 });
    await store.flush();
    expect(store.stats().writes - writesBefore).toBe(1);
    const shardFile = JSON.parse(await readFile(join(dir, `things.${shardOf("t500")}.json`), "utf8"));
    expect(shardFile.docs.t500.n).toBe(5000);
    expect(Object.keys(shardFile.docs).length).toBeLessThan(200);
    await store.close();

    const reopened = new ShardedCollection<Thing>(await createLowdbStore({ dir }), "things");
    expect(reopened.size).toBe(1000);
    expect(reopened.get("t500")?.n).toBe(5000);
  });

  it("places ids the same way every time (files written by an earlier version stay readable)", () => {
    // FNV-1a 32-bit reference values: "" is the offset basis, "a" is 0xe40c292c.
    expect(shardOf("")).toBe(0x811c9dc5 % 16);
    expect(shardOf("a")).toBe(0xe40c292c % 16);
    expect(shardOf("a", 7)).toBe(0xe40c292c % 7);
  });
});
