import { describe, expect, it } from "vitest";
import { ArrayInsightSource } from "./array-insight-source.js";
import { MemoInsightSource } from "./memo-insight-source.js";

describe("MemoInsightSource", () => {
  it("asks its source once per distinct query", () => {
    let asked = 0;
    const inner = new ArrayInsightSource([]);
    const counting = { size: 0, inRange: (...args: Parameters<ArrayInsightSource["inRange"]>) => (asked++, inner.inRange(...args)) };
    const memo = new MemoInsightSource(counting);
    memo.inRange("createdAt", 1, 2, null);
    memo.inRange("createdAt", 1, 2, null);
    memo.inRange("createdAt", 1, 2, new Set(["b", "a"]));
    memo.inRange("createdAt", 1, 2, new Set(["a", "b"]));
    memo.inRange("updatedAt", 1, 2, null);
    expect(asked).toBe(3);
  });
});
