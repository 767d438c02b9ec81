import type { DesiredEntry, ItemKey, PlannedItem } from "./push-records.js";

/**
 * Items leave a tenant's desired state as removals (DESIGN.md "Content model"): an item deleted
 * from the catalogue, or one pushed under a new name (renamed, or rolled back to a revision with
 * an older name), whose old name would otherwise stay behind at the tenant. A removal is a
 * desired entry of its own (`remove`), delivered and acknowledged like any other, with a result
 * in the push that made it.
 */

/** The removal that replaces `entry` in a tenant's desired state, made by push `pushId`. */
export function removalOf(entry: DesiredEntry, pushId: string): DesiredEntry {
  const { id, previous: _previous, ...value } = entry;
  return {
    id,
    kind: entry.kind,
    name: entry.name,
    itemId: "",
    revision: entry.revision,
    hash: entry.hash,
    pushId,
    options: entry.options,
    dependsOn: [],
    remove: true,
    previous: value,
  };
}

/** A removal as the push's plan lists it: the catalogue item it withdraws keeps its id there. */
export function plannedRemoval(entry: DesiredEntry): Omit<PlannedItem, "pushId" | "options"> {
  return { key: entry.id, kind: entry.kind, name: entry.name, itemId: entry.itemId, revision: entry.revision, hash: entry.hash, dependsOn: [], remove: true };
}

/** Entries (not removals) that hold one of the pushed catalogue items under another key than the push delivers it: renamed away. */
export function renamedAway(entries: Iterable<DesiredEntry>, pushed: readonly { itemId: string; key: ItemKey }[]): DesiredEntry[] {
  const keyOf = new Map(pushed.map((item) => [item.itemId, item.key]));
  const away: DesiredEntry[] = [];
  for (const entry of entries) {
    const key = keyOf.get(entry.itemId);
    if (!entry.remove && key !== undefined && key !== entry.id) away.push(entry);
  }
  return away;
}

/** Entries (not removals) that hold catalogue item `itemId`, under any key. */
export function holding(entries: Iterable<DesiredEntry>, itemId: string): DesiredEntry[] {
  const held: DesiredEntry[] = [];
  for (const entry of entries) if (!entry.remove && entry.itemId === itemId) held.push(entry);
  return held;
}
