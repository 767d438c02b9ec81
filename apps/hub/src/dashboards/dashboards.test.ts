import { createMemoryStore } from "@canopy/store";
import { describe, expect, it } from "vitest";
import { ArrayInsightSource } from "./array-insight-source.js";
import { DASHBOARDS_PER_USER_MAX, Dashboards } from "./dashboards.js";
import { MemoInsightSource } from "./memo-insight-source.js";

describe("Dashboards", () => {
  it("keeps each user's dashboards apart and caps how many one user keeps", () => {
    const dashboards = new Dashboards(createMemoryStore(), () => Date.parse("2030-01-15T12:00:00Z"));
    const first = dashboards.create("usr_a", { name: "A", widgets: [] });
    expect(() => dashboards.require("usr_b", first.id)).toThrow(/was not found/);
    for (let i = 1; i < DASHBOARDS_PER_USER_MAX; i++) dashboards.create("usr_a", { name: `A${i}`, widgets: [] });
    expect(() => dashboards.create("usr_a", { name: "one too many", widgets: [] })).toThrow(/at most 50 dashboards/);
    expect(dashboards.create("usr_b", { name: "B", widgets: [] }).ownerId).toBe("usr_b");
    expect(dashboards.list("usr_a").map((d) => d.name).slice(0, 3)).toEqual(["A", "A1", "A2"]);
    expect(dashboards.listOrCreateDefault("usr_c").created?.name).toBe("MSSP overview");
    expect(dashboards.listOrCreateDefault("usr_c").created).toBeNull();
  });
});

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
