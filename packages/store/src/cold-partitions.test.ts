import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLowdbStore } from "./lowdb-store.js";
import { StoreFileError } from "./store-errors.js";

interface Thing {
  id: string;
  n: number;
}

const fileOf = (docs: Thing[]) => JSON.stringify({ version: 1, docs: Object.fromEntries(docs.map((d) => [d.id, d])) });
const cold = (resident = 64) => ({ is: (name: string) => name.startsWith("cold."), resident });

describe("cold partitions (lowdb store)", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "canopy-cold-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("are not read when the store opens: the file as it is when first touched is what the partition holds", async () => {
    await writeFile(join(dir, "cold.a.json"), fileOf([{ id: "x", n: 1 }]));
    const store = await createLowdbStore({ dir, cold: cold() });
    await writeFile(join(dir, "cold.a.json"), fileOf([{ id: "x", n: 2 }]));
    expect(store.collection<Thing>("cold.a").get("x")?.n).toBe(2);
    expect(store.collectionNames("cold.")).toEqual(["cold.a"]);
    await store.close();
  });

  it("one without a file when the store opened is not looked for on disk: empty until written (the store owns its folder)", async () => {
    const store = await createLowdbStore({ dir, cold: cold() });
    // Put there behind the store's back: a store that looked for every partition's file would read it.
    await writeFile(join(dir, "cold.new.json"), fileOf([{ id: "x", n: 1 }]));
    expect(await store.readCold!("cold.new")).toEqual([]);
    expect(store.collection<Thing>("cold.new").get("x")).toBeUndefined();
    store.collection<Thing>("cold.new").put({ id: "y", n: 2 });
    await store.flush();
    expect(await store.readCold!("cold.new")).toEqual([{ id: "y", n: 2 }]);
    await store.close();
  });

  it("are let go once durable beyond `resident`, and read again from their file when touched", async () => {
    const store = await createLowdbStore({ dir, cold: cold(1) });
    const a = store.collection<Thing>("cold.a");
    a.put({ id: "x", n: 1 });
    await store.flush();
    store.collection<Thing>("cold.b").put({ id: "y", n: 1 });
    await store.flush();
    // `a` was let go: what its file holds now is what the handle held by its owner reads.
    await writeFile(join(dir, "cold.a.json"), fileOf([{ id: "x", n: 7 }]));
    expect(a.get("x")?.n).toBe(7);
    expect(await store.readCold!("cold.b")).toEqual([{ id: "y", n: 1 }]);
    await store.close();
  });

  it("keep a change that is not durable yet in memory, however many others are touched", async () => {
    const store = await createLowdbStore({ dir, cold: cold(1), coalesceMs: 60_000 });
    const a = store.collection<Thing>("cold.a");
    a.put({ id: "x", n: 1 });
    for (let i = 0; i < 5; i++) store.collection<Thing>(`cold.o${i}`).get("none");
    expect(a.get("x")?.n).toBe(1);
    await store.flush();
    expect(JSON.parse(await readFile(join(dir, "cold.a.json"), "utf8")).docs.x.n).toBe(1);
    await store.close();
  });

  it("a damaged one does not stop the store opening, fails when read, and is never written over", async () => {
    await writeFile(join(dir, "cold.a.json"), '{"version":1,"docs":{"x":{"id":"x","n":"one"}}}');
    const store = await createLowdbStore({ dir, cold: cold(), schemas: { "cold.*": z.object({ id: z.string(), n: z.number() }) } });
    const a = store.collection<Thing>("cold.a");
    expect(() => a.put({ id: "y", n: 1 })).toThrow(StoreFileError);
    await expect(store.readCold!("cold.a")).rejects.toThrow(/cold\.a\.json, document "x", field n/);
    await store.flush();
    expect(await readFile(join(dir, "cold.a.json"), "utf8")).toContain('"n":"one"');
    await store.close();
  });
});
