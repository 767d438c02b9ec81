import { describe, expect, it } from "vitest";
import type { LibraryItem } from "@canopy/content";
import type { ContentItem } from "$lib/api";
import { buildTree, folderPaths, itemsUnder } from "./tree";

const item = (path: string, type: LibraryItem["type"]) => ({ id: path, name: path, body: { path, type } }) as ContentItem<LibraryItem>;

describe("buildTree", () => {
  const tree = buildTree([
    item("SOC/Windows/Failed logons", "saved-search"),
    item("SOC", "folder"),
    item("SOC/Overview", "dashboard"),
    item("Hunting/Rare", "saved-search"),
  ]);

  it("nests items under their folders, making up folders that are not items", () => {
    expect(tree.map((node) => node.path)).toEqual(["Hunting", "SOC"]);
    const soc = tree[1]!;
    expect(soc.item?.id).toBe("SOC");
    expect(soc.children.map((node) => `${node.type}:${node.name}`)).toEqual(["folder:Windows", "dashboard:Overview"]);
    expect(soc.children[0]!.item).toBeNull();
    expect(tree[0]!.item).toBeNull();
  });

  it("counts items below and lists them parents first", () => {
    expect(tree[1]!.descendants).toBe(2);
    expect(itemsUnder(tree[1]!).map((found) => found.id)).toEqual(["SOC", "SOC/Windows/Failed logons", "SOC/Overview"]);
    expect(folderPaths(tree)).toEqual(["Hunting", "SOC", "SOC/Windows"]);
  });
});

describe("libraryBody", () => {
  it("keeps only the fields of the chosen type", async () => {
    const { libraryBody, emptyLibraryDraft } = await import("./library-form");
    const draft = { ...emptyLibraryDraft("SOC"), path: "SOC/Daily/", query: " q ", schedule: "0 6 * * *", connection: "mail", panels: "A" };
    expect(libraryBody({ ...draft, type: "scheduled-report" })).toEqual({ type: "scheduled-report", path: "SOC/Daily", query: "q", schedule: "0 6 * * *" });
    expect(libraryBody({ ...draft, type: "dashboard" })).toEqual({ type: "dashboard", path: "SOC/Daily", panels: [{ title: "A" }] });
    expect(libraryBody({ ...draft, type: "folder" })).toEqual({ type: "folder", path: "SOC/Daily" });
  });
});
