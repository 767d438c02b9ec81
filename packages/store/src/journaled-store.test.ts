import { describe, expect, it } from "vitest";
import { createJournaledStore, type PartitionWriter } from "./journaled-store.js";
import type { Doc } from "./store.js";

/** A writer that records what it was asked and lets the test decide when each write ends. */
function scriptedWriter() {
  const log: string[] = [];
  const gates: { name: string; docs: number; snapshot: ReadonlyMap<string, Doc>; opened: boolean; open(): void; fail(code: string): void }[] = [];
  const writer: PartitionWriter & { writes: number } = {
    writes: 0,
    yieldBetweenPartitions: true,
    prepare(name: string, docs: ReadonlyMap<string, Doc>) {
      log.push(`prepare ${name}`);
      return new Promise((resolve, reject) => {
        const gate = {
          name,
          docs: docs.size,
          snapshot: docs,
          opened: false,
          open: () => {
            gate.opened = true;
            resolve({ commit: async () => void writer.writes++, abort: async () => {} });
          },
          fail: (code: string) => reject(Object.assign(new Error(code), { code })),
        };
        gates.push(gate);
      });
    },
    settle: async () => {},
  };
  return { writer, log, gates };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("writes (group commit)", () => {
  it("concurrent flushes share writes: a burst costs two writes, not one per flush", async () => {
    const { writer, gates } = scriptedWriter();
    const store = createJournaledStore({ writer, coalesceMs: 60_000, onError: () => {} });
    const things = store.collection<Doc & { n: number }>("things");
    const flushes: Promise<void>[] = [];
    // A burst of agent frames, each changing something and awaiting a flush: the first starts a
    // write at once, the other 99 wait for it and share the next one.
    for (let i = 0; i < 100; i++) {
      things.put({ id: `t${i}`, n: i });
      flushes.push(store.flush());
    }
    let settled = false;
    const all = Promise.all(flushes).then(() => void (settled = true));
    while (!settled) {
      gates.find((gate) => !gate.opened)?.open();
      await turn();
    }
    await all;
    expect(writer.writes).toBe(2);
    expect(gates.map((gate) => gate.docs)).toEqual([1, 100]);
  });

  it("a flush asked while a write runs waits for the next write, which carries its change", async () => {
    const { writer, gates } = scriptedWriter();
    const store = createJournaledStore({ writer, coalesceMs: 60_000, onError: () => {} });
    const things = store.collection<Doc & { n: number }>("things");
    things.put({ id: "a", n: 1 });
    const first = store.flush();
    await turn();
    things.put({ id: "b", n: 1 });
    let secondDone = false;
    const second = store.flush().then(() => void (secondDone = true));
    gates[0]!.open();
    await first;
    await turn();
    expect(secondDone).toBe(false);
    expect(gates).toHaveLength(2);
    expect(gates[1]!.docs).toBe(2);
    gates[1]!.open();
    await second;
    expect(writer.writes).toBe(2);
  });

  it("yields to the event loop between the partitions of one write", async () => {
    const { writer, log, gates } = scriptedWriter();
    const store = createJournaledStore({ writer, coalesceMs: 60_000, onError: () => {} });
    for (const name of ["a", "b", "c"]) store.collection(name).put({ id: "1" });
    const flushed = store.flush();
    setImmediate(() => log.push("other work"));
    while (gates.length < 3) await turn();
    for (const gate of gates) gate.open();
    await flushed;
    expect(log.indexOf("other work")).toBeGreaterThan(log.indexOf("prepare a"));
    expect(log.indexOf("other work")).toBeLessThan(log.indexOf("prepare c"));
  });

  it("a failed background write is reported, rolled back, and not retried by itself", async () => {
    const { writer, gates } = scriptedWriter();
    const errors: unknown[] = [];
    const store = createJournaledStore({ writer, coalesceMs: 0, onError: (e) => errors.push(e) });
    store.collection("things").put({ id: "a" });
    while (gates.length < 1) await turn();
    gates[0]!.fail("EROFS");
    while (errors.length < 1) await turn();
    expect(String(errors[0])).toMatch(/read-only \(EROFS\)/);
    expect(store.collection("things").size).toBe(0);
    await turn();
    expect(gates).toHaveLength(1);
    expect(store.stats().rollbacks).toBe(1);
  });

  it("a document edited in place while a write serializes it stays as it was in that write", async () => {
    const { writer, gates } = scriptedWriter();
    const store = createJournaledStore({ writer, coalesceMs: 60_000, onError: () => {} });
    const results = store.collection<Doc & { results: Record<string, string> }>("results");
    results.put({ id: "tenant", results: { a: "pending" } });
    const flushed = store.flush();
    await turn();
    results.edit("tenant", (doc) => void (doc.results.a = "applied"));
    expect(gates[0]!.snapshot.get("tenant")).toEqual({ id: "tenant", results: { a: "pending" } });
    expect(results.get("tenant")).toEqual({ id: "tenant", results: { a: "applied" } });
    gates[0]!.open();
    await flushed;
    // The edit was not in that write: a failure of the next one puts back what the disk holds.
    const next = store.flush();
    while (gates.length < 2) await turn();
    gates[1]!.fail("EIO");
    await expect(next).rejects.toThrow(/EIO/);
    expect(results.get("tenant")).toEqual({ id: "tenant", results: { a: "pending" } });
  });
});
