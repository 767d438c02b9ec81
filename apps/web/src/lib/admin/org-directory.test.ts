import { describe, expect, it } from "vitest";
import type { OrgNode } from "$lib/api";
import { flattenOrgs } from "./org-directory";

const node = (id: string, children: OrgNode[] = []): OrgNode => ({ id, name: id.toUpperCase(), kind: "tenant", capabilities: [], needsOwner: false, children });

describe("flattenOrgs", () => {
  it("lists each organization before its children, with its depth and parent", () => {
    const tree = { ...node("root", [node("a", [node("a1")]), node("b")]), kind: "root" as const };
    expect(flattenOrgs(tree)).toEqual([
      { id: "root", name: "ROOT", depth: 0, parentId: null },
      { id: "a", name: "A", depth: 1, parentId: "root" },
      { id: "a1", name: "A1", depth: 2, parentId: "a" },
      { id: "b", name: "B", depth: 1, parentId: "root" },
    ]);
  });
});
