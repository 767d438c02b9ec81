import type { LibraryItem } from "@canopy/content";
import type { ContentItem } from "$lib/api";

export type LibraryType = LibraryItem["type"];

export interface LibraryNode {
  path: string;
  /** The last segment of the path. */
  name: string;
  type: LibraryType;
  /** Null for a folder that only exists because items sit below it. */
  item: ContentItem<LibraryItem> | null;
  children: LibraryNode[];
  /** Items (not implicit folders) anywhere below. */
  descendants: number;
}

/**
 * The library as a tree: each item under its parent path, folders made up for parents that are not
 * items themselves. Folders first, then by name, at every level.
 */
export function buildTree(items: readonly ContentItem<LibraryItem>[]): LibraryNode[] {
  const byPath = new Map<string, LibraryNode>();
  const roots: LibraryNode[] = [];

  const nodeFor = (path: string): LibraryNode => {
    const existing = byPath.get(path);
    if (existing) return existing;
    const slash = path.lastIndexOf("/");
    const node: LibraryNode = { path, name: path.slice(slash + 1), type: "folder", item: null, children: [], descendants: 0 };
    byPath.set(path, node);
    if (slash === -1) roots.push(node);
    else nodeFor(path.slice(0, slash)).children.push(node);
    return node;
  };

  for (const item of items) {
    const node = nodeFor(item.body.path);
    node.item = item;
    node.type = item.body.type;
  }
  const finish = (nodes: LibraryNode[]): number => {
    nodes.sort((a, b) => Number(b.type === "folder") - Number(a.type === "folder") || a.name.localeCompare(b.name));
    let count = 0;
    for (const node of nodes) {
      node.descendants = finish(node.children);
      count += node.descendants + (node.item ? 1 : 0);
    }
    return count;
  };
  finish(roots);
  return roots;
}

/** The node and every node below it that is an item, parents first. */
export function itemsUnder(node: LibraryNode): ContentItem<LibraryItem>[] {
  const found: ContentItem<LibraryItem>[] = node.item ? [node.item] : [];
  for (const child of node.children) found.push(...itemsUnder(child));
  return found;
}

/** Every folder path, to expand all. */
export function folderPaths(nodes: readonly LibraryNode[]): string[] {
  return nodes.flatMap((node) => (node.type === "folder" ? [node.path, ...folderPaths(node.children)] : []));
}

export const TYPE_LABELS: Record<LibraryType, string> = {
  folder: "Folder",
  "saved-search": "Saved search",
  dashboard: "Dashboard",
  "scheduled-search": "Scheduled search",
  "scheduled-report": "Scheduled report",
  "saved-report": "Saved report",
};
