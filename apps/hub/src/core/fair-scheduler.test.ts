import { describe, expect, it } from "vitest";
import { FairScheduler } from "./fair-scheduler.js";

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("fair scheduler", () => {
  it("serves tenants in turn, one task each, keeping each tenant's order", async () => {
    const scheduler = new FairScheduler({ sliceMs: Number.POSITIVE_INFINITY });
    const ran: string[] = [];
    const all = [
      ...["a1", "a2", "a3", "a4"].map((name) => scheduler.run("a", () => ran.push(name))),
      ...["b1", "b2"].map((name) => scheduler.run("b", () => ran.push(name))),
      scheduler.run("c", () => ran.push("c1")),
    ];
    await Promise.all(all);
    expect(ran).toEqual(["a1", "b1", "c1", "a2", "b2", "a3", "a4"]);
  });

  it("gives the event loop a turn after each slice", async () => {
    let clock = 0;
    const scheduler = new FairScheduler({ sliceMs: 10, now: () => clock });
    const ran: string[] = [];
    const task = (name: string) => () => {
      ran.push(name);
      clock += 6; // every task takes 6 ms: two fit in a 10 ms slice
    };
    const done = Promise.all(["a1", "a2", "a3"].map((name) => scheduler.run("a", task(name))).concat(scheduler.run("b", task("b1"))));
    // Something else that wants the event loop meanwhile (a ping, a socket read).
    const others = (async () => {
      for (let i = 0; i < 3; i++) {
        await turn();
        ran.push(`other${i}`);
      }
    })();
    await Promise.all([done, others]);
    expect(ran.slice(0, 3)).toEqual(["a1", "b1", "other0"]);
    expect(ran.filter((name) => !name.startsWith("other"))).toEqual(["a1", "b1", "a2", "a3"]);
  });

  it("resolves a slice's tasks only after afterSlice, once per slice", async () => {
    const events: string[] = [];
    const scheduler = new FairScheduler({
      sliceMs: Number.POSITIVE_INFINITY,
      afterSlice: async () => {
        events.push("flush");
      },
    });
    const results = await Promise.all([
      scheduler.run("a", () => {
        events.push("a");
        return 1;
      }),
      scheduler.run("b", () => {
        events.push("b");
        return 2;
      }),
    ]);
    expect(results).toEqual([1, 2]);
    expect(events).toEqual(["a", "b", "flush"]);
  });

  it("rejects a failed task alone, and every task of a slice whose afterSlice failed", async () => {
    const failing = new FairScheduler({ sliceMs: Number.POSITIVE_INFINITY });
    const bad = failing.run("a", () => {
      throw new Error("bad task");
    });
    const good = failing.run("b", () => "fine");
    await expect(bad).rejects.toThrow("bad task");
    await expect(good).resolves.toBe("fine");

    const unflushed = new FairScheduler({ sliceMs: Number.POSITIVE_INFINITY, afterSlice: () => Promise.reject(new Error("disk full")) });
    await expect(unflushed.run("a", () => 1)).rejects.toThrow("disk full");
  });
});
