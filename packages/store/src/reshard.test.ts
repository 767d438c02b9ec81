import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLowdbStore } from "./lowdb-store.js";
import { ShardedCollection, shardOf } from "./sharded-collection.js";
import { StoreFileError } from "./store-errors.js";

const Thing = z.object({ id: z.string(), n: z.number() });
type Thing = z.infer<typeof Thing>;
const schemas = { "things.*": Thing };
const oldFile = (docs: Thing[]) => JSON.stringify({ version: 1, docs: Object.fromEntries(docs.map((d) => [d.id, d])) });

describe("a collection that was one partition, carried into its shards at open", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "canopy-reshard-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("moves every document of <name>.json into the shard its id hashes to, then removes the old file and its .bak", async () => {
    const docs = Array.from({ length: 500 }, (_, i) => ({ id: `t${i}`, n: i }));
    await writeFile(join(dir, "things.json"), oldFile(docs));
    await writeFile(join(dir, "things.json.bak"), oldFile(docs.slice(0, 10)));
    const told: unknown[] = [];
    const store = await createLowdbStore({ dir, schemas, reshard: { things: 8 }, onResharded: (o) => told.push(o) });
    expect(told).toEqual([{ collection: "things", shards: 8, documents: 500 }]);
    const files = await readdir(dir);
    expect(files.filter((f) => f.startsWith("things.json"))).toEqual([]);
    expect(files.filter((f) => /^things\.\d\.json$/.test(f))).toHaveLength(8);
    const things = new ShardedCollection<Thing>(store, "things", 8);
    expect(things.size).toBe(500);
    expect(things.get("t123")).toEqual({ id: "t123", n: 123 });
    expect(store.collection(`things.${shardOf("t7", 8)}`).get("t7")).toEqual({ id: "t7", n: 7 });
    // Nothing was written through the store: the carry-over is done before it opens.
    expect(store.stats()).toMatchObject({ writes: 0, changes: 0 });
    await store.close();

    // Opened again: nothing left to carry, the shards hold everything.
    const again = await createLowdbStore({ dir, schemas, reshard: { things: 8 }, onResharded: (o) => told.push(o) });
    expect(told).toHaveLength(1);
    expect(new ShardedCollection<Thing>(again, "things", 8).size).toBe(500);
    await again.close();
  });

  it("a carry-over cut short by a crash is done again: the old file's documents join what the shards hold", async () => {
    const docs = Array.from({ length: 50 }, (_, i) => ({ id: `t${i}`, n: i }));
    await writeFile(join(dir, "things.json"), oldFile(docs));
    // One shard written before the crash (same documents), one with a document of its own.
    const n0 = shardOf("t0", 4);
    const mine = Array.from({ length: 100 }, (_, i) => `x${i}`).find((id) => shardOf(id, 4) === n0)!;
    await writeFile(join(dir, `things.${n0}.json`), oldFile([...docs.filter((d) => shardOf(d.id, 4) === n0), { id: mine, n: -1 }]));
    const store = await createLowdbStore({ dir, schemas, reshard: { things: 4 } });
    const things = new ShardedCollection<Thing>(store, "things", 4);
    expect(things.size).toBe(51);
    expect(things.get(mine)?.n).toBe(-1);
    expect((await readdir(dir)).includes("things.json")).toBe(false);
    await store.close();
  });

  it("a damaged old file is left as it is, and the store refuses to open naming it", async () => {
    await writeFile(join(dir, "things.json"), '{"version":1,"docs":{"t1":{"id":"t1","n":"one"}}}');
    const error = await createLowdbStore({ dir, schemas, reshard: { things: 4 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreFileError);
    expect((error as Error).message).toContain(join(dir, "things.json"));
    expect((error as Error).message.match(/things\.json, document "t1", field n/g)).toHaveLength(1);
    expect((await readdir(dir)).sort()).toEqual(["things.json"]);
  });

  it("a failed write of a shard leaves the old file in place", async () => {
    await writeFile(join(dir, "things.json"), oldFile([{ id: "t1", n: 1 }, { id: "t2", n: 2 }]));
    const fault = () => {
      throw Object.assign(new Error("read-only"), { code: "EROFS" });
    };
    await expect(createLowdbStore({ dir, schemas, reshard: { things: 4 }, fault })).rejects.toThrow();
    expect(await readdir(dir)).toEqual(["things.json"]);
  });
});
