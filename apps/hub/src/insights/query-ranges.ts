import type { InsightEntry } from "./insight-entry.js";
import type { IndexParts, IndexQuery, QueryPlan } from "./insight-query.js";
import { Bitset } from "./ord-set.js";
import { SORT_ORDERS } from "./sort-orders.js";

/** A bounded time range of a query. */
export type Range = NonNullable<IndexQuery["time"]>;

/** The query's time range, when it bounds anything. */
export function boundedRange(time: IndexQuery["time"]): Range | undefined {
  return time && (time.from !== null || time.to !== null) ? time : undefined;
}

/** Whether an entry lies in the range (by its own field). */
export function timeTest(range: Range | undefined): ((entry: InsightEntry) => boolean) | undefined {
  if (!range) return undefined;
  const low = range.from ?? Number.NEGATIVE_INFINITY;
  const high = range.to ?? Number.POSITIVE_INFINITY;
  if (range.field === "createdAt") return (e) => e.createdAt >= low && e.createdAt < high;
  if (range.field === "updatedAt") return (e) => e.updatedAt >= low && e.updatedAt < high;
  return (e) => e.closedAt !== null && e.closedAt >= low && e.closedAt < high;
}

/** Calls `visit` for each entry placed in the range, in order, until it returns true. */
function forRange(parts: IndexParts, range: Range, visit: (placed: InsightEntry) => boolean | void): void {
  const tree = parts.trees[range.field];
  const order = SORT_ORDERS[range.field];
  const low = range.from === null ? tree.minKey() : order.probe([range.from], "");
  const high = range.to === null ? tree.maxKey() : order.probe([range.to], "");
  if (low === undefined || high === undefined) return;
  // Bounded above by `to` exclusive (a probe with the empty key sorts before every entry at `to`).
  tree.forRange(low, high, range.to === null, ((placed: InsightEntry) => (visit(placed) ? { break: true } : undefined)) as never);
}

/** The entries of a time range, or undefined as soon as there are more than `budget`. */
export function rangeWithin(parts: IndexParts, range: Range, budget: number): InsightEntry[] | undefined {
  const found: InsightEntry[] = [];
  let over = false;
  forRange(parts, range, (placed) => {
    if (found.length >= budget) return (over = true);
    found.push(placed);
    return false;
  });
  return over ? undefined : found;
}

/** A time range as a bitset: the whole days' postings, and a walk of the tree for the part days at its ends. */
export function rangeBits(parts: IndexParts, range: Range, capacity: number, plan: QueryPlan): Bitset {
  const { whole, head, tail } = parts.days[range.field].split(range.from, range.to);
  const bits = Bitset.of(whole, capacity);
  for (const part of [head, tail]) {
    if (!part) continue;
    forRange(parts, { field: range.field, from: part[0], to: part[1] }, (placed) => {
      plan.scanned++;
      bits.add(placed.ord);
    });
  }
  return bits;
}
