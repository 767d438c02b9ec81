import type { OrgNode } from "$lib/api";

/** One organization of the tree, flattened in display order with its depth (for indenting). */
export interface OrgEntry {
  id: string;
  name: string;
  depth: number;
}

/** The tree in display order: each organization followed by its children, depth first. */
export function flattenOrgs(root: OrgNode): OrgEntry[] {
  const out: OrgEntry[] = [];
  const walk = (node: OrgNode, depth: number) => {
    out.push({ id: node.id, name: node.name, depth });
    for (const child of node.children) walk(child, depth + 1);
  };
  walk(root, 0);
  return out;
}
