import type { InsightEntry } from "./insight-entry.js";
import { queryWords } from "./insight-tokens.js";
import { Bitset, type OrdSet } from "./ord-set.js";
import type { PostingIndex } from "./posting-index.js";

export type PostingField = "tenantId" | "status" | "severity" | "tactic" | "technique" | "ruleId" | "assignee" | "word";
export type Postings = Record<PostingField, PostingIndex>;

export const normalizeTactic = (value: string) => value.trim().toLowerCase();
export const normalizeTechnique = (value: string) => value.trim().toUpperCase();
export const normalizeAssignee = (value: string) => value.trim().toLowerCase();

/** The filters a dimension can come from. */
export interface DimensionFilters {
  tenantIds?: readonly string[] | undefined;
  statuses?: readonly string[] | undefined;
  severities?: readonly string[] | undefined;
  tactics?: readonly string[] | undefined;
  techniques?: readonly string[] | undefined;
  ruleIds?: readonly string[] | undefined;
  assignees?: readonly string[] | undefined;
  q?: string | undefined;
}

/**
 * One filter of a query. Its posting sets name every entry that passes it (so the smallest
 * dimension can be the candidate source, and its size is known at once); `test` checks one
 * entry by its own fields, which is cheaper than probing large sets.
 */
export interface Dimension {
  sets: OrdSet[];
  /** Sum of the sets' sizes: exact when the sets are disjoint, an upper bound otherwise. */
  size: number;
  /** Whether one entry can be in several of the sets (multi-valued fields, word prefixes). */
  overlapping: boolean;
  test(entry: InsightEntry): boolean;
}

/** Sets of one dimension (a short word prefix can match thousands of words) are merged past this. */
const MERGE_SETS_OVER = 16;

type Test = ((entry: InsightEntry) => boolean) | "sets";

function makeDimension(sets: (OrdSet | undefined)[], overlapping: boolean, test: Test, capacity: number): Dimension {
  let present = sets.filter((set): set is OrdSet => set !== undefined && set.size > 0);
  if (present.length > MERGE_SETS_OVER) present = [Bitset.of(present, capacity)];
  const bySets = (entry: InsightEntry) => {
    for (const set of present) if (set.has(entry.ord)) return true;
    return false;
  };
  return {
    sets: present,
    size: present.reduce((sum, set) => sum + set.size, 0),
    overlapping: overlapping && present.length > 1,
    test: test === "sets" ? bySets : test,
  };
}

/** Calls `visit` once for each entry ordinal of the dimension. */
export function forEachMember(dim: Dimension, visit: (ord: number) => void): void {
  if (!dim.overlapping) {
    for (const set of dim.sets) set.forEach(visit);
    return;
  }
  const seen = new Set<number>();
  for (const set of dim.sets) {
    set.forEach((ord) => {
      if (seen.has(ord)) return;
      seen.add(ord);
      visit(ord);
    });
  }
}

/** The dimension as one bitset (its only set when that already is one). */
export function bitsOf(dim: Dimension, capacity: number): Bitset {
  const only = dim.sets.length === 1 ? dim.sets[0] : undefined;
  return only instanceof Bitset ? only : Bitset.of(dim.sets, capacity);
}

/** The query's filters as dimensions (in no particular order). */
export function dimensionsOf(postings: Postings, filters: DimensionFilters, capacity: number): Dimension[] {
  const dims: Dimension[] = [];
  const dimension = (sets: (OrdSet | undefined)[], overlapping: boolean, test: Test) => makeDimension(sets, overlapping, test, capacity);
  const lookup = (index: PostingIndex, values: readonly string[]) => values.map((v) => index.get(v));
  if (filters.tenantIds) {
    const wanted = new Set(filters.tenantIds);
    dims.push(dimension(lookup(postings.tenantId, filters.tenantIds), false, (e) => wanted.has(e.tenantId)));
  }
  if (filters.statuses) {
    const wanted = new Set<string>(filters.statuses);
    dims.push(dimension(lookup(postings.status, filters.statuses), false, (e) => wanted.has(e.status)));
  }
  if (filters.severities) {
    const wanted = new Set<string>(filters.severities);
    dims.push(dimension(lookup(postings.severity, filters.severities), false, (e) => wanted.has(e.severity)));
  }
  if (filters.tactics) {
    const wanted = new Set(filters.tactics.map(normalizeTactic));
    dims.push(dimension(lookup(postings.tactic, [...wanted]), true, (e) => e.tactics.some((t) => wanted.has(normalizeTactic(t)))));
  }
  if (filters.techniques) {
    // `T1003` also finds its sub-techniques (`T1003.001`).
    const wanted = new Set(filters.techniques.map(normalizeTechnique));
    const sets = [...wanted].flatMap((v) => (v.includes(".") ? [postings.technique.get(v)] : postings.technique.withPrefix(`${v}.`, v)));
    const matches = (technique: string) => {
      const value = normalizeTechnique(technique);
      const dot = value.indexOf(".");
      return wanted.has(value) || (dot > 0 && wanted.has(value.slice(0, dot)));
    };
    dims.push(dimension(sets, true, (e) => e.techniques.some(matches)));
  }
  if (filters.ruleIds) {
    const wanted = new Set(filters.ruleIds);
    dims.push(dimension(lookup(postings.ruleId, filters.ruleIds), false, (e) => e.ruleId !== null && wanted.has(e.ruleId)));
  }
  if (filters.assignees) {
    const wanted = new Set(filters.assignees.map(normalizeAssignee));
    dims.push(dimension(lookup(postings.assignee, [...wanted]), false, (e) => e.assignee !== null && wanted.has(normalizeAssignee(e.assignee))));
  }
  for (const word of queryWords(filters.q ?? "")) dims.push(dimension(postings.word.withPrefix(word), true, "sets"));
  return dims;
}
