import { describe, expect, it } from "vitest";
import { associatedRules } from "./tuning.js";

describe("associatedRules", () => {
  it("names the rules an expression applies to, in order, once each", () => {
    expect(associatedRules({ name: "Ignore backups", expression: "host != 'backup-1'", rules: ["Rule B", "Rule A", "Rule B"] })).toEqual([
      "Rule B",
      "Rule A",
    ]);
  });

  it("is empty for an expression without rules", () => {
    expect(associatedRules({ name: "Global", expression: "env = 'prod'", rules: [] })).toEqual([]);
  });
});
