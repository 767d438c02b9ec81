import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createJournaledStore, type PartitionWriter } from "./journaled-store.js";
import { createLowdbStore } from "./lowdb-store.js";
import { createMemoryStore } from "./memory-store.js";
import { ShardedCollection } from "./sharded-collection.js";
import type { Doc, DurableEvent } from "./store.js";

interface Thing extends Doc {
  n: number;
  list?: number[];
}

/** A writer whose writes end (or fail) when the test says. */
function gatedWriter() {
  const gates: { name: string; open(): void; fail(code: string): void }[] = [];
  const writer: PartitionWriter = {
    writes: 0,
    yieldBetweenPartitions: true,
    prepare(name) {
      return new Promise((resolve, reject) => {
        gates.push({
          name,
          open: () => resolve({ commit: async () => {}, abort: async () => {} }),
          fail: (code) => reject(Object.assign(new Error(code), { code })),
        });
      });
    },
    settle: async () => {},
  };
  return { writer, gates };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("durable reads: what the last good write left on disk", () => {
  it("a change is not durable until the write that carries it has ended; one made during that write waits for the next", async () => {
    const { writer, gates } = gatedWriter();
    const store = createJournaledStore({ writer, coalesceMs: 60_000, onError: () => {} });
    const heard: DurableEvent[] = [];
    store.onDurable((event) => heard.push(event));
    const things = store.collection<Thing>("things");

    things.put({ id: "a", n: 1 });
    expect(things.get("a")?.n).toBe(1);
    expect(things.durable("a")).toBeUndefined();

    const first = store.flush();
    await turn();
    things.put({ id: "a", n: 2 }); // while the write of n: 1 runs
    expect(things.durable("a")).toBeUndefined();
    gates[0]!.open();
    await first;
    expect(heard).toEqual([{ collections: ["things"] }]);
    expect(things.durable("a")).toEqual({ id: "a", n: 1 });
    expect(things.get("a")?.n).toBe(2);

    const second = store.flush();
    while (gates.length < 2) await turn();
    gates[1]!.open();
    await second;
    expect(things.durable("a")).toEqual({ id: "a", n: 2 });
    expect(heard).toHaveLength(2);
  });

  it("edits in place and deletes read as they were until written", async () => {
    const { writer, gates } = gatedWriter();
    const store = createJournaledStore({ writer, coalesceMs: 60_000, onError: () => {} });
    const things = store.collection<Thing>("things");
    things.put({ id: "a", n: 1, list: [1] });
    things.put({ id: "b", n: 1 });
    const written = store.flush();
    await turn();
    gates[0]!.open();
    await written;

    things.edit("a", (doc) => void doc.list!.push(2));
    things.delete("b");
    expect(things.durable("a")).toEqual({ id: "a", n: 1, list: [1] });
    expect(things.durable("b")).toEqual({ id: "b", n: 1 });
    const next = store.flush();
    while (gates.length < 2) await turn();
    gates[1]!.open();
    await next;
    expect(things.durable("a")).toEqual({ id: "a", n: 1, list: [1, 2] });
    expect(things.durable("b")).toBeUndefined();
  });

  it("a failed write leaves the durable reads as they were and tells no durable listener", async () => {
    let failing = false;
    const store = createMemoryStore({
      coalesceMs: 60_000,
      fault: () => {
        if (failing) throw Object.assign(new Error("EROFS"), { code: "EROFS" });
      },
    });
    const heard: DurableEvent[] = [];
    const things = store.collection<Thing>("things");
    things.put({ id: "a", n: 1 });
    await store.flush();
    store.onDurable((event) => heard.push(event));

    things.put({ id: "a", n: 2 });
    failing = true;
    await expect(store.flush()).rejects.toThrow(/EROFS/);
    expect(things.durable("a")).toEqual({ id: "a", n: 1 });
    expect(things.get("a")).toEqual({ id: "a", n: 1 });
    expect(heard).toEqual([]);
  });

  it("a lowdb store reads what it opened as durable, and a sharded collection reads through its shards", async () => {
    const dir = await mkdtemp(join(tmpdir(), "canopy-durable-"));
    try {
      const store = await createLowdbStore({ dir, coalesceMs: 60_000 });
      const sharded = new ShardedCollection<Thing>(store, "sharded", 4);
      sharded.put({ id: "x", n: 1 });
      const heard: string[][] = [];
      store.onDurable(({ collections }) => heard.push(collections));
      expect(sharded.durable("x")).toBeUndefined();
      await store.flush();
      expect(sharded.durable("x")).toEqual({ id: "x", n: 1 });
      expect(heard).toHaveLength(1);
      expect(heard[0]![0]).toMatch(/^sharded\.[0-3]$/);
      await store.close();

      const reopened = await createLowdbStore({ dir, coalesceMs: 60_000 });
      expect(new ShardedCollection<Thing>(reopened, "sharded", 4).durable("x")).toEqual({ id: "x", n: 1 });
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a durable listener that throws is reported and does not fail the write", async () => {
    const errors: unknown[] = [];
    const store = createMemoryStore({ coalesceMs: 60_000, onError: (e) => errors.push(e) });
    store.onDurable(() => {
      throw new Error("listener bug");
    });
    store.collection<Thing>("things").put({ id: "a", n: 1 });
    await store.flush();
    expect(store.collection<Thing>("things").durable("a")).toEqual({ id: "a", n: 1 });
    expect(String(errors[0])).toMatch(/listener bug/);
  });
});
