import type { InsightSeverity, InsightStatus } from "@canopy/protocol";
import type { BTree } from "./btree.js";
import type { FacetCounts } from "./facet-counts.js";
import type { InsightEntry } from "./insight-entry.js";
import type { InsightTimeField } from "./insight-source.js";
import { queryWords } from "./insight-tokens.js";
import type { TimeBuckets } from "./time-buckets.js";
import { Bitset } from "./ord-set.js";
import { bitsOf, dimensionsOf, forEachMember, type Dimension, type Postings } from "./query-dimensions.js";
import { boundedRange, rangeBits, rangeWithin, timeTest, type Range } from "./query-ranges.js";
import { SORT_ORDERS, decodeCursor, encodeCursor, type CursorPosition, type OrderedField, type SortDirection, type SortField } from "./sort-orders.js";

/** A list query on the index. Values of one filter are alternatives; filters all apply. */
export interface IndexQuery {
  tenantIds?: readonly string[] | undefined;
  statuses?: readonly InsightStatus[] | undefined;
  severities?: readonly InsightSeverity[] | undefined;
  tactics?: readonly string[] | undefined;
  /** `T1003` also matches its sub-techniques. */
  techniques?: readonly string[] | undefined;
  ruleIds?: readonly string[] | undefined;
  assignees?: readonly string[] | undefined;
  /** Words that must all occur, each as the start of a word of a searchable field. */
  q?: string | undefined;
  /** `from` inclusive, `to` exclusive; null: unbounded. */
  time?: { field: InsightTimeField; from: number | null; to: number | null } | undefined;
  sort: SortField;
  order: SortDirection;
  limit: number;
  cursor?: string | undefined;
}

/** How a query was answered: for tests and the benchmark. */
export interface QueryPlan {
  /** `size`/`facets`: read from counters; `counted`: one pass over the smallest candidate source. */
  total: "size" | "facets" | "counted";
  /** `scan`: tested the smallest source's entries one by one; `bits`: intersected bitsets. */
  filter: "scan" | "bits";
  /** `walk`: the sort tree from the cursor, testing each entry; `sort`: all matches sorted. */
  page: "walk" | "sort";
  /** Entries looked at. */
  scanned: number;
}

export interface IndexPage {
  items: InsightEntry[];
  nextCursor: string | null;
  total: number;
  plan: QueryPlan;
}

/** The parts of the index a query reads. */
export interface IndexParts {
  size(): number;
  /** Entries by ordinal (the current version). */
  entries: readonly (InsightEntry | undefined)[];
  postings: Postings;
  facets: FacetCounts;
  trees: Record<OrderedField, BTree<InsightEntry, undefined>>;
  /** Entries by day of each time field. */
  days: Record<InsightTimeField, TimeBuckets>;
}

/** Matches a query sorts in memory rather than walking a tree for. */
const SORT_MAX = 4096;
/** A source of at most this many entries (or this share of the index) is scanned entry by entry; past that, bitsets. */
const SCAN_MIN = 2048;
const SCAN_SHARE = 1 / 256;

type Test = (entry: InsightEntry) => boolean;

/** Only tenant, status and severity filters (and no time range): the facet counters know the total. */
function facetTotal(parts: IndexParts, query: IndexQuery): number | undefined {
  const other = query.tactics ?? query.techniques ?? query.ruleIds ?? query.assignees ?? query.time;
  if (other !== undefined || queryWords(query.q ?? "").length > 0) return undefined;
  return parts.facets.count({ tenantIds: query.tenantIds, statuses: query.statuses, severities: query.severities });
}

/**
 * Answers a list query. The filters become dimensions (posting sets plus a test by field).
 *
 * - Total: from counters when only tenant/status/severity filter (or nothing does); else, when
 *   the smallest source (a dimension, or the time range when it is smaller) is small, one pass
 *   over it testing each entry; else the dimensions' bitsets intersected and counted.
 * - Page: the matches sorted, when they are few and in hand; else the sort's tree walked from the
 *   cursor (and from the time bound when it sorts by that field), testing each entry, until
 *   the page is full.
 */
export function runQuery(parts: IndexParts, query: IndexQuery): IndexPage {
  const order = SORT_ORDERS[query.sort];
  const capacity = parts.entries.length;
  const position = query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.sort, query.order);
  const dims = dimensionsOf(parts.postings, query, capacity).sort((a, b) => a.size - b.size);
  const plan: QueryPlan = { total: "counted", filter: "scan", page: "sort", scanned: 0 };
  if (dims.some((dim) => dim.size === 0)) return { items: [], nextCursor: null, total: 0, plan };

  const range = boundedRange(query.time);
  const inTime = timeTest(range);
  let test: (entry: InsightEntry, skip?: Dimension) => boolean = (entry, skip) => {
    for (const dim of dims) if (dim !== skip && !dim.test(entry)) return false;
    return inTime === undefined || inTime(entry);
  };

  // Dimensions held as one bitset answer by ordinal, before the entry is even looked at.
  const bitDims = dims.flatMap((dim) => (dim.sets.length === 1 && dim.sets[0] instanceof Bitset ? [dim.sets[0]] : []));
  let ordTest: ((ord: number) => boolean) | undefined =
    bitDims.length === 0
      ? undefined
      : (ord) => {
          for (const bits of bitDims) if (!bits.has(ord)) return false;
          return true;
        };

  let total: number | undefined;
  if (dims.length === 0 && !range) {
    total = parts.size();
    plan.total = "size";
  } else if (!range) {
    total = facetTotal(parts, query);
    if (total !== undefined) plan.total = "facets";
  }

  let found: InsightEntry[] | undefined;
  /** Entries of the time range, once known. */
  let rangeSize: number | undefined;
  if (total === undefined || total <= SORT_MAX) {
    const scanBudget = Math.max(SCAN_MIN, parts.size() * SCAN_SHARE);
    const smallest = dims[0];
    // The time range is a source when it holds fewer entries than the smallest dimension
    // (learnt by walking it with that budget).
    const inRange = range ? rangeWithin(parts, range, Math.min(smallest?.size ?? Number.POSITIVE_INFINITY, scanBudget)) : undefined;
    if (inRange) {
      rangeSize = inRange.length;
      ({ total, found } = collect(plan, (visit) => inRange.forEach((placed) => visit(parts.entries[placed.ord]!)), test));
    } else if (smallest && smallest.size <= scanBudget) {
      ({ total, found } = collect(plan, (visit) => forEachMember(smallest, (ord) => visit(parts.entries[ord]!)), (e) => test(e, smallest)));
    } else if (!smallest && !range) {
      ({ total, found } = collect(plan, (visit) => parts.entries.forEach((e) => e && visit(e)), test));
    } else {
      // Large sources only: intersect bitsets (the time range, if any, becomes one as well).
      plan.filter = "bits";
      const bits = dims.map((dim) => bitsOf(dim, capacity));
      if (range) {
        const inRangeBits = rangeBits(parts, range, capacity, plan);
        rangeSize = inRangeBits.size;
        bits.push(inRangeBits);
      }
      const result = new Bitset(capacity);
      result.words.fill(0xffffffff);
      total = result.intersect(bits);
      test = () => true;
      ordTest = (ord) => result.has(ord);
      if (total <= SORT_MAX) {
        found = [];
        result.forEach((ord) => found!.push(parts.entries[ord]!));
      }
    }
  }

  let page: InsightEntry[];
  let more: boolean;
  if (found && !walkIsCheaper(query, total!, range?.field === query.sort ? (rangeSize ?? parts.size()) : parts.size())) {
    plan.page = "sort";
    const sorted = found.sort(query.order === "asc" ? order.compare : (a, b) => order.compare(b, a));
    const start = position === undefined ? 0 : firstAfter(sorted, order.probe(position.values, position.key), order.compare, query.order);
    page = sorted.slice(start, start + query.limit);
    more = start + query.limit < sorted.length;
  } else {
    plan.page = "walk";
    ({ page, more } = walk(parts, query, position, range, ordTest, test, plan));
  }
  const last = page.at(-1);
  return { items: page, nextCursor: more && last ? encodeCursor(query.sort, query.order, last) : null, total: total!, plan };
}

/**
 * Sorting the matches costs ~ n log n comparisons; walking the sort tree visits ~ limit x span /
 * matches entries (span: the entries the walk can meet), each a little dearer than a comparison.
 */
function walkIsCheaper(query: IndexQuery, total: number, span: number): boolean {
  if (total === 0) return false;
  const walkSteps = ((query.limit + 1) * span) / total;
  return 3 * walkSteps < total * Math.log2(total + 2);
}

/** Counts the entries of a source that pass `test`, keeping them while there are at most SORT_MAX. */
function collect(plan: QueryPlan, source: (visit: (entry: InsightEntry) => void) => void, test: Test): { total: number; found: InsightEntry[] | undefined } {
  let total = 0;
  let found: InsightEntry[] | undefined = [];
  source((entry) => {
    plan.scanned++;
    if (!test(entry)) return;
    total++;
    if (found && found.push(entry) > SORT_MAX) found = undefined;
  });
  return { total, found };
}

/** Index of the first entry strictly after `probe` in an array sorted in `direction`. */
function firstAfter(sorted: InsightEntry[], probe: InsightEntry, compare: (a: InsightEntry, b: InsightEntry) => number, direction: SortDirection): number {
  const sign = direction === "asc" ? 1 : -1;
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (sign * compare(sorted[mid]!, probe) <= 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * One page from the sort tree, starting after the cursor, testing each entry. Sorting by the
 * field the time range bounds, the walk starts at the bound and stops at the other one.
 */
function walk(
  parts: IndexParts,
  query: IndexQuery,
  position: CursorPosition | undefined,
  range: Range | undefined,
  ordTest: ((ord: number) => boolean) | undefined,
  test: Test,
  plan: QueryPlan,
): { page: InsightEntry[]; more: boolean } {
  const tree = parts.trees[query.sort];
  const order = SORT_ORDERS[query.sort];
  const asc = query.order === "asc";
  let start = position === undefined ? undefined : order.probe(position.values, position.key);
  let skipStart = start !== undefined;
  let stop: ((placed: InsightEntry) => boolean) | undefined;
  if (range && range.field === query.sort) {
    const field = range.field;
    const bound = asc ? range.from : range.to;
    const boundProbe = bound === null ? undefined : order.probe([bound], "");
    // Begin at the bound unless the cursor is already past it.
    if (boundProbe && (start === undefined || (asc ? order.compare(boundProbe, start) > 0 : order.compare(boundProbe, start) < 0))) {
      start = boundProbe;
      skipStart = !asc; // the probe is not an entry; descending skips entries at `to` itself
    }
    const end = asc ? range.to : range.from;
    if (end !== null) stop = asc ? (placed) => placed[field]! >= end : (placed) => placed[field]! < end;
  }
  const pair: unknown[] = [];
  const iterator = asc
    ? tree.entries(start, pair as never)
    : start === undefined
      ? tree.entriesReversed(undefined, pair as never)
      : tree.entriesReversed(start, pair as never, skipStart);
  const page: InsightEntry[] = [];
  for (const [placed] of iterator) {
    if (stop?.(placed)) break;
    plan.scanned++;
    if (asc && skipStart && order.compare(placed, start!) === 0) continue;
    if (ordTest && !ordTest(placed.ord)) continue;
    // The tree may hold an older version at the same position; test the current one.
    const entry = parts.entries[placed.ord]!;
    if (!test(entry)) continue;
    if (page.length === query.limit) return { page, more: true };
    page.push(entry);
  }
  return { page, more: false };
}
