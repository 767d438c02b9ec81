import type { OrgNode } from "$lib/api";

/** One organization of the tree, flattened in display order with its depth (for indenting). */
export interface OrgEntry {
  id: string;
  name: string;
  depth: number;
  /** Its parent in the tree; null for the tree's top (the organization one works in). */
  parentId: string | null;
}

/** The tree in display order: each organization followed by its children, depth first. */
export function flattenOrgs(root: OrgNode): OrgEntry[] {
  const out: OrgEntry[] = [];
  const walk = (node: OrgNode, depth: number, parentId: string | null) => {
    out.push({ id: node.id, name: node.name, depth, parentId });
    for (const child of node.children) walk(child, depth + 1, node.id);
  };
  walk(root, 0, null);
  return out;
}
