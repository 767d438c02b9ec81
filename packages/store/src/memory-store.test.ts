import { afterEach, describe, expect, it, vi } from "vitest";
import { createMemoryStore } from "./memory-store.js";

describe("memory store", () => {
  it("supports the whole collection API", async () => {
    const store = createMemoryStore();
    const c = store.collection<{ id: string; tag: string }>("items");
    c.put({ id: "a", tag: "x" });
    c.put({ id: "b", tag: "y" });
    expect(c.size).toBe(2);
    expect(c.find((d) => d.tag === "y")?.id).toBe("b");
    expect(c.filter((d) => d.tag === "x")).toEqual([{ id: "a", tag: "x" }]);
    expect(c.update("a", (d) => ({ ...d, tag: "z" }))?.tag).toBe("z");
    expect(c.update("missing", { tag: "q" })).toBeUndefined();
    expect(c.edit("missing", () => {})).toBeUndefined();
    expect(c.delete("b")).toBe(true);
    expect(c.delete("b")).toBe(false);
    expect(store.collection("items").all()).toEqual([{ id: "a", tag: "z" }]);
    await store.flush();
    expect(store.stats()).toEqual({ writes: 0, changes: 4, rollbacks: 0 });
  });

  describe("under fake timers", () => {
    afterEach(() => vi.useRealTimers());

    it("flushes many partitions without a timer having to run (tests with fake timers can await it)", async () => {
      vi.useFakeTimers();
      const store = createMemoryStore();
      for (const name of ["a", "b", "c"]) store.collection(name).put({ id: "1" });
      await store.flush();
      expect(store.stats().changes).toBe(3);
    });
  });
});
