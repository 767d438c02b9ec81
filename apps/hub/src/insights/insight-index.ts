import { BTree, bulkLoadTree } from "./btree.js";
import { Slicer, sortInSlices, type BuildPacing } from "./build-pacing.js";
import { FacetCounts } from "./facet-counts.js";
import { SEVERITY_RANK, makeEntry, type InsightEntry, type InsightEntryInput } from "./insight-entry.js";
import { runQuery, type IndexParts, type IndexQuery, type IndexPage } from "./insight-query.js";
import type { IndexedInsight, InsightSource, InsightTimeField } from "./insight-source.js";
import { tokensOf } from "./insight-tokens.js";
import { PostingIndex } from "./posting-index.js";
import { normalizeAssignee, normalizeTactic, normalizeTechnique, type PostingField, type Postings } from "./query-dimensions.js";
import { SORT_ORDERS, type OrderedField } from "./sort-orders.js";
import { TimeBuckets } from "./time-buckets.js";

/** The values an entry is posted under, per field (normalised as filters are). */
export const POSTED: Record<Exclude<PostingField, "word">, (e: IndexedInsight) => readonly string[]> = {
  tenantId: (e) => [e.tenantId],
  status: (e) => [e.status],
  severity: (e) => [e.severity],
  tactic: (e) => e.tactics.map(normalizeTactic),
  technique: (e) => e.techniques.map(normalizeTechnique),
  ruleId: (e) => (e.ruleId === null ? [] : [e.ruleId]),
  assignee: (e) => (e.assignee === null ? [] : [normalizeAssignee(e.assignee)]),
};
const POSTED_FIELDS = Object.entries(POSTED) as [Exclude<PostingField, "word">, (e: IndexedInsight) => readonly string[]][];

const SEVERITY_RANK_VALUES = Object.values(SEVERITY_RANK);
const ORDERED_FIELDS: OrderedField[] = ["createdAt", "updatedAt", "severity", "closedAt"];
const TIME_FIELDS: InsightTimeField[] = ["createdAt", "updatedAt", "closedAt"];
const SEARCHED = ["localId", "title", "ruleId", "ruleName", "hosts", "users", "techniques"] as const;

function sameValues(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

function searchChanged(before: InsightEntry, after: InsightEntry): boolean {
  return SEARCHED.some((field) => {
    const a = before[field];
    const b = after[field];
    return Array.isArray(a) ? !sameValues(a, b as readonly string[]) : a !== b;
  });
}

/** A bulk load into the index (hub start): see `InsightIndex.beginLoad`. */
export interface IndexLoad {
  add(input: InsightEntryInput): void;
  /** Posts and sorts what was added, pausing between slices; `progress` hears how many are posted. */
  finish(pacing: BuildPacing, progress?: (posted: number) => void): Promise<number>;
}

/**
 * The federated insight index, in memory: every tenant's insights with posting sets per filter
 * field, a word index for `q`, a B+ tree per sort key, and counts per tenant, status and
 * severity. A query intersects posting sets and either walks a sort tree or sorts a small
 * candidate set (see insight-query.ts); a change re-indexes only the fields that changed.
 */
export class InsightIndex implements InsightSource {
  readonly #entries: (InsightEntry | undefined)[] = [];
  readonly #ordByKey = new Map<string, number>();
  readonly #freeOrds: number[] = [];
  readonly #postings: Postings = {
    tenantId: new PostingIndex(() => this.#entries.length),
    status: new PostingIndex(() => this.#entries.length),
    severity: new PostingIndex(() => this.#entries.length),
    tactic: new PostingIndex(() => this.#entries.length),
    // Ordered: `T1003` finds its sub-techniques, and `q` finds words by prefix.
    technique: new PostingIndex(() => this.#entries.length, { ordered: true }),
    ruleId: new PostingIndex(() => this.#entries.length),
    assignee: new PostingIndex(() => this.#entries.length),
    word: new PostingIndex(() => this.#entries.length, { ordered: true }),
  };
  readonly #facets = new FacetCounts();
  // Trees hold the entry version that was current when it was placed; its position is still
  // right (a version that moves is re-placed), and readers take the current version by ordinal.
  // Not readonly in its fields: `load` swaps in bulk-built trees (the parts share this object).
  readonly #trees = Object.fromEntries(
    ORDERED_FIELDS.map((field) => [field, new BTree<InsightEntry, undefined>(undefined, SORT_ORDERS[field].compare)]),
  ) as Record<OrderedField, BTree<InsightEntry, undefined>>;
  readonly #days: Record<InsightTimeField, TimeBuckets> = {
    createdAt: new TimeBuckets(() => this.#entries.length),
    updatedAt: new TimeBuckets(() => this.#entries.length),
    closedAt: new TimeBuckets(() => this.#entries.length),
  };
  readonly #parts: IndexParts = {
    size: () => this.size,
    entries: this.#entries,
    postings: this.#postings,
    facets: this.#facets,
    trees: this.#trees,
    days: this.#days,
  };

  get size(): number {
    return this.#ordByKey.size;
  }

  get(key: string): InsightEntry | undefined {
    const ord = this.#ordByKey.get(key);
    return ord === undefined ? undefined : this.#entries[ord];
  }

  /** Adds or replaces the entry with `input.key`; returns the new entry and the one it replaced. */
  upsert(input: InsightEntryInput): { entry: InsightEntry; previous: InsightEntry | undefined } {
    const existing = this.#ordByKey.get(input.key);
    if (existing === undefined) {
      const ord = this.#freeOrds.pop() ?? this.#entries.length;
      const entry = makeEntry(input, ord);
      this.#entries[ord] = entry;
      this.#ordByKey.set(entry.key, ord);
      this.#place(entry);
      return { entry, previous: undefined };
    }
    const previous = this.#entries[existing]!;
    const entry = makeEntry(input, existing);
    this.#entries[existing] = entry;
    this.#move(previous, entry);
    return { entry, previous };
  }

  remove(key: string): InsightEntry | undefined {
    const ord = this.#ordByKey.get(key);
    if (ord === undefined) return undefined;
    const entry = this.#entries[ord]!;
    this.#unplace(entry);
    this.#entries[ord] = undefined;
    this.#ordByKey.delete(key);
    this.#freeOrds.push(ord);
    return entry;
  }

  /** Every entry of `tenantId` leaves the index (the tenant was deleted). */
  removeTenant(tenantId: string): number {
    const ords: number[] = [];
    this.#postings.tenantId.get(tenantId)?.forEach((ord) => ords.push(ord));
    for (const ord of ords) this.remove(this.#entries[ord]!.key);
    this.#facets.forget(tenantId);
    return ords.length;
  }

  /**
   * Hub start: entries are `add`ed as their shards are read, then `finish` posts and sorts them
   * all at once, in slices that let the event loop turn (`pacing`). The same as `upsert` for
   * each, but bitsets are sized once for every ordinal and each sort tree is built from one
   * sorted array instead of a million inserts. What reads the index waits until `finish` is done.
   */
  beginLoad(): IndexLoad {
    // Not a fresh index (it holds entries, or held some: ordinals are taken): one at a time.
    if (this.#entries.length > 0) {
      let count = 0;
      return {
        add: (input) => {
          this.upsert(input);
          count++;
        },
        finish: () => Promise.resolve(count),
      };
    }
    return {
      add: (input) => {
        // The same key twice: the later one wins, as with upsert (ords start at 0 here).
        const existing = this.#ordByKey.get(input.key);
        const entry = makeEntry(input, existing ?? this.#entries.length);
        this.#entries[entry.ord] = entry;
        if (existing === undefined) this.#ordByKey.set(entry.key, entry.ord);
      },
      finish: (pacing, progress) => this.#finishLoad(pacing, progress),
    };
  }

  async #finishLoad(pacing: BuildPacing, progress?: (posted: number) => void): Promise<number> {
    const slicer = new Slicer(pacing);
    const placed = this.#entries as InsightEntry[];
    const count = placed.length;
    // Every ordinal is known before anything is posted: bitsets are made once, at their full size.
    // A search word is split once per distinct text (titles, rule names and hosts repeat).
    const words = new Map<string, readonly string[]>();
    for (let ord = 0; ord < count; ord++) {
      this.#placeUnordered(placed[ord]!, words);
      if (slicer.step()) {
        progress?.(ord + 1);
        await slicer.pause();
      }
    }
    progress?.(count);
    words.clear();
    const byCreated = placed.slice();
    await sortInSlices(byCreated, SORT_ORDERS.createdAt.compare, slicer);
    // Severity order is (severity, createdAt, key): the creation order, grouped stably by severity.
    // Sliced like the rest: a million pushes and a filter in one go were a stall of seconds (measured, loaded machine).
    const bySeverity: InsightEntry[][] = SEVERITY_RANK_VALUES.map(() => []);
    const byClosed: InsightEntry[] = [];
    for (let i = 0; i < count; i++) {
      const entry = byCreated[i]!;
      bySeverity[SEVERITY_RANK[entry.severity]]!.push(entry);
      if (placed[i]!.closedAt !== null) byClosed.push(placed[i]!);
      if (slicer.step()) await slicer.pause();
    }
    const severityOrder: InsightEntry[] = [];
    for (const group of bySeverity) {
      for (const entry of group) {
        severityOrder.push(entry);
        if (slicer.step()) await slicer.pause();
      }
    }
    bySeverity.length = 0;
    await sortInSlices(byClosed, SORT_ORDERS.closedAt.compare, slicer);
    const byUpdated = placed.slice();
    await sortInSlices(byUpdated, SORT_ORDERS.updatedAt.compare, slicer);
    // Each tree is built in one go: sorted-btree's bulk load has no slices (0.3–1.3 s each at a
    // million on a loaded machine: what is left of the build's stalls, issue 13 P7).
    this.#trees.createdAt = bulkLoadTree(byCreated, SORT_ORDERS.createdAt.compare);
    await slicer.pause();
    this.#trees.severity = bulkLoadTree(severityOrder, SORT_ORDERS.severity.compare);
    await slicer.pause();
    this.#trees.closedAt = bulkLoadTree(byClosed, SORT_ORDERS.closedAt.compare);
    await slicer.pause();
    this.#trees.updatedAt = bulkLoadTree(byUpdated, SORT_ORDERS.updatedAt.compare);
    return count;
  }

  query(query: IndexQuery): IndexPage {
    return runQuery(this.#parts, query);
  }

  /** How many entries each value of `field` has (all tenants). */
  valueCounts(field: Exclude<PostingField, "word">): Map<string, number> {
    return this.#postings[field].counts();
  }

  /** The entries of one tenant (facet counts scoped to tenants). */
  *ofTenant(tenantId: string): Iterable<InsightEntry> {
    const ords: number[] = [];
    this.#postings.tenantId.get(tenantId)?.forEach((ord) => ords.push(ord));
    for (const ord of ords) yield this.#entries[ord]!;
  }

  *inRange(field: InsightTimeField, from: number | null, to: number | null, tenantIds: ReadonlySet<string> | null): Iterable<IndexedInsight> {
    const tree = this.#trees[field];
    const order = SORT_ORDERS[field];
    const low = from === null ? tree.minKey() : order.probe([from], "");
    if (low === undefined) return;
    const pair: [InsightEntry, undefined] = [low, undefined];
    for (const [placed] of tree.entries(low, pair as never)) {
      if (to !== null && placed[field]! >= to) return;
      const entry = this.#entries[placed.ord]!;
      if (tenantIds === null || tenantIds.has(entry.tenantId)) yield entry;
    }
  }

  #place(entry: InsightEntry): void {
    this.#placeUnordered(entry);
    for (const field of ORDERED_FIELDS) if (field !== "closedAt" || entry.closedAt !== null) this.#trees[field].set(entry, undefined);
  }

  /** Everything but the sort trees: postings, words, facet counts, day buckets. */
  #placeUnordered(entry: InsightEntry, words?: Map<string, readonly string[]>): void {
    for (const [field, valuesOf] of POSTED_FIELDS) for (const value of valuesOf(entry)) this.#postings[field].add(value, entry.ord);
    for (const word of tokensOf(entry, words)) this.#postings.word.add(word, entry.ord);
    this.#facets.add(entry.tenantId, entry.status, entry.severity, 1);
    for (const field of TIME_FIELDS) if (entry[field] !== null) this.#days[field].add(entry[field]!, entry.ord);
  }

  #unplace(entry: InsightEntry): void {
    for (const [field, valuesOf] of POSTED_FIELDS) for (const value of valuesOf(entry)) this.#postings[field].remove(value, entry.ord);
    for (const word of tokensOf(entry)) this.#postings.word.remove(word, entry.ord);
    this.#facets.add(entry.tenantId, entry.status, entry.severity, -1);
    for (const field of ORDERED_FIELDS) if (field !== "closedAt" || entry.closedAt !== null) this.#trees[field].delete(entry);
    for (const field of TIME_FIELDS) if (entry[field] !== null) this.#days[field].remove(entry[field]!, entry.ord);
  }

  /** Re-indexes only what changed between two versions of one entry. */
  #move(before: InsightEntry, after: InsightEntry): void {
    for (const [field, valuesOf] of POSTED_FIELDS) {
      const old = valuesOf(before);
      const now = valuesOf(after);
      if (sameValues(old, now)) continue;
      for (const value of old) if (!now.includes(value)) this.#postings[field].remove(value, before.ord);
      for (const value of now) this.#postings[field].add(value, after.ord);
    }
    if (searchChanged(before, after)) {
      const old = tokensOf(before);
      const now = tokensOf(after);
      for (const word of old) if (!now.has(word)) this.#postings.word.remove(word, before.ord);
      for (const word of now) if (!old.has(word)) this.#postings.word.add(word, after.ord);
    }
    if (before.tenantId !== after.tenantId || before.status !== after.status || before.severity !== after.severity) {
      this.#facets.add(before.tenantId, before.status, before.severity, -1);
      this.#facets.add(after.tenantId, after.status, after.severity, 1);
    }
    for (const field of ORDERED_FIELDS) {
      if (!SORT_ORDERS[field].moved(before, after)) continue;
      const tree = this.#trees[field];
      if (field !== "closedAt" || before.closedAt !== null) tree.delete(before);
      if (field !== "closedAt" || after.closedAt !== null) tree.set(after, undefined);
    }
    for (const field of TIME_FIELDS) {
      if (before[field] === after[field]) continue;
      if (before[field] !== null) this.#days[field].remove(before[field]!, before.ord);
      if (after[field] !== null) this.#days[field].add(after[field]!, after.ord);
    }
  }
}
