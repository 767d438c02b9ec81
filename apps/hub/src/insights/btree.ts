import sortedBtree from "sorted-btree";
import * as bulkLoadModule from "sorted-btree/extended/bulkLoad.js";
import type { bulkLoad as BulkLoadFunction } from "sorted-btree/extended/bulkLoad.js";

type BTreeClass = typeof sortedBtree.default;

/**
 * sorted-btree's B+ tree. The package is CommonJS with `exports.default`: Node's ES module loader
 * hands over the exports object (the class is its `.default`), while Vite's interop (tests)
 * hands over the class itself. This is the one place that knows.
 */
const imported = sortedBtree as unknown as BTreeClass | { default: BTreeClass };
export const BTree: BTreeClass = typeof imported === "function" ? imported : imported.default;
export type BTree<K, V> = InstanceType<typeof sortedBtree.default<K, V>>;

type BulkLoad = typeof BulkLoadFunction;
// The same CommonJS interop as above: Node gives `{ default: exports }`-or-named, Vite the named export.
const bulkLoadImported = bulkLoadModule as unknown as { bulkLoad?: BulkLoad; default?: { bulkLoad: BulkLoad } };
const bulkLoad: BulkLoad = bulkLoadImported.bulkLoad ?? bulkLoadImported.default!.bulkLoad;

/** sorted-btree's default node size: bulk-built trees match trees built by inserts. */
const MAX_NODE_SIZE = 64;

/** A tree of `keys` (sorted ascending by `compare`, no duplicates) built in one pass. */
export function bulkLoadTree<K>(keys: K[], compare: (a: K, b: K) => number): BTree<K, undefined> {
  return bulkLoad<K, undefined>(keys, new Array<undefined>(keys.length), MAX_NODE_SIZE, compare) as unknown as BTree<K, undefined>;
}
