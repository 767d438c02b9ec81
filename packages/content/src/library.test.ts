import { describe, expect, it } from "vitest";
import { type LibraryItem, comparePaths, libraryDescendants } from "./library.js";

const tree: LibraryItem[] = [
  { type: "saved-search", path: "SOC/Windows/Failed logons", query: "EventID=4625" },
  { type: "folder", path: "SOC" },
  { type: "dashboard", path: "SOC Extra/Overview" },
  { type: "folder", path: "SOC/Windows" },
  { type: "scheduled-report", path: "SOC/Weekly", schedule: "@weekly" },
  { type: "folder", path: "Network" },
];

describe("libraryDescendants", () => {
  it("returns everything below a folder, parents first, not the folder itself nor look-alike siblings", () => {
    expect(libraryDescendants(tree, "SOC").map((item) => item.path)).toEqual(["SOC/Weekly", "SOC/Windows", "SOC/Windows/Failed logons"]);
    expect(libraryDescendants(tree, "SOC/Windows/").map((item) => item.path)).toEqual(["SOC/Windows/Failed logons"]);
    expect(libraryDescendants(tree, "Network")).toEqual([]);
  });

  it("orders a folder before its contents", () => {
    expect(["A/B/C", "A", "A/B", "A B"].sort(comparePaths)).toEqual(["A", "A/B", "A/B/C", "A B"]);
  });
});
