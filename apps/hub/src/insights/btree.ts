import sortedBtree from "sorted-btree";

type BTreeClass = typeof sortedBtree.default;

/**
 * sorted-btree's B+ tree. The package is CommonJS with `exports.default`: Node's ES module loader
 * hands over the exports object (the class is its `.default`), while Vite's interop (tests)
 * hands over the class itself. This is the one place that knows.
 */
const imported = sortedBtree as unknown as BTreeClass | { default: BTreeClass };
export const BTree: BTreeClass = typeof imported === "function" ? imported : imported.default;
export type BTree<K, V> = InstanceType<typeof sortedBtree.default<K, V>>;
