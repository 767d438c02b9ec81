import { describe, expect, it } from "vitest";
import { KeyLocks, UnitLocks } from "./key-locks.js";

describe("KeyLocks and UnitLocks", () => {
  it("lets one unit at a time hold a key, in order; other keys and a unit's second take do not wait", async () => {
    const locks = new KeyLocks();
    const order: string[] = [];
    const first = new UnitLocks(locks);
    const second = new UnitLocks(locks);
    await first.lock("a");
    await first.lock("a");
    const waiting = second.lock("a").then(() => order.push("second has a"));
    await new UnitLocks(locks).lock("b");
    order.push("b taken");
    await Promise.resolve();
    expect(order).toEqual(["b taken"]);
    await first.releaseAll();
    await waiting;
    expect(order).toEqual(["b taken", "second has a"]);
    await second.releaseAll();
    const third = new UnitLocks(locks);
    await third.lock("a");
    await third.releaseAll();
  });
});
