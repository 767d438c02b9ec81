import { describe, expect, it } from "vitest";
import { describeOptions, describeTargets } from "./describe";

describe("describeTargets", () => {
  const names = (id: string) => ({ t1: "Acme", t2: "Globex" })[id];

  it("says who a push went to", () => {
    expect(describeTargets({ all: true })).toBe("All tenants");
    expect(describeTargets({ all: true, exclude: ["t1"] }, names)).toBe("All tenants except Acme");
    expect(describeTargets({ tenants: ["t1", "t2"] }, names)).toBe("Acme, Globex");
    expect(describeTargets({ tenants: ["a", "b", "c"] })).toBe("3 tenants");
    expect(describeTargets({ tags: ["eu", "us"] })).toBe("Tags: eu, us");
  });
});

describe("describeOptions", () => {
  it("lists the options that were set and matter for the pushed kinds", () => {
    const options = { includeAssociatedRules: true, scheduledSearches: "ignore", scheduledReports: "include" } as const;
    expect(describeOptions({}, ["library"])).toEqual([]);
    expect(describeOptions(options, ["tuning-expression", "library"])).toEqual([
      "with associated rules",
      "scheduled searches: ignore",
      "scheduled reports: include",
    ]);
    expect(describeOptions(options, ["custom-field"])).toEqual([]);
  });
});
