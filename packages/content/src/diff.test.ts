import { describe, expect, it } from "vitest";
import { diffContent } from "./diff.js";

describe("diffContent", () => {
  it("is empty for equal documents whatever their key order", () => {
    expect(diffContent({ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 })).toEqual({ equal: true, changes: [], truncated: false });
  });

  it("lists added, removed and changed members with their paths", () => {
    const before = { name: "Field", options: ["a", "b", "c"], default: "a", required: true };
    const after = { name: "Field", options: ["a", "x"], default: "x", description: "new" };
    expect(diffContent(before, after).changes).toEqual([
      { path: "default", change: "changed", before: "a", after: "x" },
      { path: "description", change: "added", after: "new" },
      { path: "options[1]", change: "changed", before: "b", after: "x" },
      { path: "options[2]", change: "removed", before: "c" },
      { path: "required", change: "removed", before: true },
    ]);
  });

  it("quotes keys that are not plain names, and stops at maxChanges", () => {
    expect(diffContent({ cases: { "on hold": 1 } }, { cases: { "on hold": 2 } }).changes[0]!.path).toBe('cases["on hold"]');
    const many = diffContent({ list: [1, 2, 3, 4] }, { list: [5, 6, 7, 8] }, 2);
    expect(many).toMatchObject({ equal: false, truncated: true });
    expect(many.changes).toHaveLength(2);
  });

  it("reports a whole-document change at the root", () => {
    expect(diffContent("a", 1).changes).toEqual([{ path: "", change: "changed", before: "a", after: 1 }]);
  });
});
