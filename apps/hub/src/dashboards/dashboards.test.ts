import { describe, expect, it } from "vitest";
import { INSIGHTS } from "../../test/dashboard-fixtures.js";
import { ArrayInsightSource } from "./array-insight-source.js";
import { CountedInsights } from "./counted-insights.js";
import { scopeKey, type InsightFigures, type InsightScope } from "./insight-figures.js";
import { memoFigures } from "./memo-insight-figures.js";

const scope = (tenantIds: string[] | null, from = 1): InsightScope => ({ field: "createdAt", from, tenantIds: tenantIds && new Set(tenantIds) });

describe("memoFigures", () => {
  it("asks its source once per distinct question", async () => {
    const asked: string[] = [];
    const inner = new ArrayInsightSource(INSIGHTS);
    const counting: InsightFigures = {
      tally: (s) => (asked.push("tally"), inner.tally(s)),
      rules: (s) => (asked.push("rules"), inner.rules(s)),
      techniques: (s) => (asked.push("techniques"), inner.techniques(s)),
      earliest: (s) => (asked.push("earliest"), inner.earliest(s)),
      buckets: (s, frame) => (asked.push("buckets"), inner.buckets(s, frame)),
    };
    const memo = memoFigures(counting);
    await memo.tally(scope(null));
    await memo.tally(scope(null));
    await memo.tally(scope(["b", "a"]));
    await memo.tally(scope(["a", "b"]));
    await memo.tally(scope(null, 2));
    await memo.rules(scope(null));
    await memo.buckets(scope(null), { first: 0, size: 10, count: 3 });
    await memo.buckets(scope(null), { first: 0, size: 10, count: 3 });
    await memo.buckets(scope(null), { first: 0, size: 20, count: 3 });
    expect(asked).toEqual(["tally", "tally", "tally", "rules", "buckets", "buckets"]);
  });
});

describe("CountedInsights", () => {
  it("reads each scope once, whichever figures are asked of it", async () => {
    const read: string[] = [];
    const figures = new CountedInsights((s) => (read.push(scopeKey(s)), INSIGHTS));
    await figures.tally(scope(null));
    await figures.rules(scope(null));
    await figures.earliest(scope(["b", "a"]));
    await figures.techniques(scope(["a", "b"]));
    expect(read).toEqual([scopeKey(scope(null)), scopeKey(scope(["a", "b"]))]);
  });
});
