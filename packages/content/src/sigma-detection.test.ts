import { describe, expect, it } from "vitest";
import { checkDetection } from "./sigma-detection.js";

const searches = { selection_img: { Image: "x" }, selection_cli: { CommandLine: "y" }, filter_admin: { User: "admin" } };

function codes(detection: Record<string, unknown>): string[] {
  return checkDetection(detection).map((problem) => problem.code);
}

describe("checkDetection: wildcards in the condition", () => {
  it("accepts wildcards that name search identifiers, refuses those that name none", () => {
    expect(checkDetection({ ...searches, condition: "1 of selection_* and not filter_*" })).toEqual([]);
    expect(checkDetection({ ...searches, condition: "all of *_img or 1 of them" })).toEqual([]);
    expect(checkDetection({ ...searches, condition: "1 of sel_*" })).toEqual([
      { path: "detection.condition", code: "unknown-identifier", message: 'the condition names "sel_*", which is not a search identifier of the detection' },
    ]);
  });

  it("answers at once for a rule built to make a pattern matcher backtrack", () => {
    // 34 characters: as a RegExp (`^.*a.*a…b$`) each of these took from seconds to hours against the
    // long identifier, and blocked every tenant of the hub meanwhile.
    const nearMiss = { ["a".repeat(120)]: { Image: "x" }, selection: { Image: "y" } };
    const tokens = Array.from({ length: 20 }, (_, i) => `${"*a".repeat(16 + (i % 4))}*b`);
    const problems = checkDetection({ ...nearMiss, condition: `selection and not (1 of ${tokens.join(" or 1 of ")})` });
    expect(problems).toHaveLength(20);
    expect(new Set(problems.map((problem) => problem.code))).toEqual(new Set(["unknown-identifier"]));
  });
});

describe("checkDetection: bounds on the condition", () => {
  it("refuses an over-long condition without reading it", () => {
    const problems = checkDetection({ ...searches, condition: `selection_img${" or selection_img".repeat(300)}` });
    expect(problems).toEqual([
      { path: "detection.condition", code: "condition-too-complex", message: "the condition is 5113 characters long; at most 4096 are allowed" },
    ]);
  });

  it("refuses a condition of too many words, or a word that is too long", () => {
    expect(checkDetection({ s: { Image: "x" }, condition: Array.from({ length: 300 }, () => "s").join(" or ") })).toEqual([
      { path: "detection.condition", code: "condition-too-complex", message: "the condition has 599 words; at most 256 are allowed" },
    ]);
    expect(checkDetection({ ...searches, condition: ["selection_img", `1 of ${"*".repeat(200)}`] })).toEqual([
      {
        path: "detection.condition[1]",
        code: "condition-too-complex",
        message: 'the condition has a word of 200 characters ("****************************************…"); at most 128 are allowed',
      },
    ]);
  });

  it("refuses too many conditions, too many search identifiers, or an over-long identifier", () => {
    expect(codes({ ...searches, condition: Array.from({ length: 40 }, () => "selection_img") })).toEqual(["condition-too-complex"]);
    const many = Object.fromEntries(Array.from({ length: 600 }, (_, i) => [`s${i}`, { Image: "x" }]));
    expect(checkDetection({ ...many, condition: "1 of s*" })).toEqual([
      { path: "detection", code: "detection-too-large", message: "the detection has 600 search identifiers; at most 512 are allowed" },
    ]);
    expect(checkDetection({ ["s".repeat(300)]: { Image: "x" }, condition: "1 of s*" })).toEqual([
      {
        path: "detection",
        code: "detection-too-large",
        message: 'the search identifier "ssssssssssssssssssssssssssssssssssssssss…" is 300 characters long; at most 128 are allowed',
      },
    ]);
  });
});
