import { describe, expect, it } from "vitest";
import { BASE_TIME, entryInputOf, makeInsight, seededRandom } from "../../test/insight-fixtures.js";
import { reference } from "../../test/insight-reference.js";
import type { BuildPacing } from "./build-pacing.js";
import type { InsightEntry, InsightEntryInput } from "./insight-entry.js";
import { InsightIndex } from "./insight-index.js";
import type { IndexQuery } from "./insight-query.js";

const TENANTS = Array.from({ length: 10 }, (_, i) => `tnt_Tenant${i}AbCdEfGh`);

function build(count: number, seed = 7): InsightIndex {
  const random = seededRandom(seed);
  const index = new InsightIndex();
  for (let n = 0; n < count; n++) index.upsert(entryInputOf(TENANTS[n % TENANTS.length]!, makeInsight(random, n)));
  return index;
}

/** Every entry, by brute force: what a query must answer. */
function everything(index: InsightIndex): InsightEntry[] {
  return Array.from(index.inRange("createdAt", null, null, null)) as InsightEntry[];
}

/** Follows nextCursor to the end; returns every key in page order and the plans used. */
function pageThrough(index: InsightIndex, query: IndexQuery) {
  const keys: string[] = [];
  const plans = new Set<string>();
  let cursor: string | undefined;
  const totals = new Set<number>();
  for (let pages = 0; pages < 10_000; pages++) {
    const page = index.query({ ...query, cursor });
    keys.push(...page.items.map((e) => e.key));
    plans.add(`${page.plan.total}/${page.plan.page}`);
    totals.add(page.total);
    if (page.nextCursor === null) break;
    expect(page.items).toHaveLength(query.limit);
    cursor = page.nextCursor;
  }
  return { keys, plans, totals };
}

const base = { sort: "createdAt", order: "desc", limit: 50 } as const;
const day = 24 * 3600_000;

const combos: [string, Partial<IndexQuery>][] = [
  ["no filter", {}],
  ["one tenant", { tenantIds: [TENANTS[3]!] }],
  ["two tenants, open statuses", { tenantIds: [TENANTS[1]!, TENANTS[2]!], statuses: ["new", "in_progress"] }],
  ["severity high+critical", { severities: ["high", "critical"] }],
  ["status and severity", { statuses: ["new"], severities: ["critical"] }],
  ["tactic (multi-valued)", { tactics: ["credential-access", "execution"] }],
  ["technique with sub-techniques", { techniques: ["T1003"] }],
  ["exact sub-technique", { techniques: ["T1003.001"] }],
  ["rule", { ruleIds: ["rule-7", "rule-8"] }],
  ["assignee", { assignees: ["ana@mssp.example"], statuses: ["in_progress"] }],
  ["q one word prefix", { q: "mimi" }],
  ["q two words", { q: "lsass web" }],
  ["q host with punctuation", { q: "dc-01.ad" }],
  ["q short prefix", { q: "s" }],
  ["created in a week", { time: { field: "createdAt", from: BASE_TIME + 3 * day, to: BASE_TIME + 10 * day } }],
  ["closed in a range, one tenant", { tenantIds: [TENANTS[0]!], time: { field: "closedAt", from: BASE_TIME, to: BASE_TIME + 20 * day } }],
  ["created between two mid-days", { time: { field: "createdAt", from: BASE_TIME + 3.5 * day, to: BASE_TIME + 12.25 * day } }],
  ["updated since a mid-day", { time: { field: "updatedAt", from: BASE_TIME + 9.3 * day, to: null } }],
  ["closed before a mid-day", { time: { field: "closedAt", from: null, to: BASE_TIME + 17.7 * day } }],
  ["created within one day", { time: { field: "createdAt", from: BASE_TIME + 4.1 * day, to: BASE_TIME + 4.6 * day } }],
  ["updated since, with a status", { statuses: ["new"], time: { field: "updatedAt", from: BASE_TIME + 25 * day, to: null } }],
  ["everything narrowed", { tenantIds: TENANTS.slice(0, 5), statuses: ["new", "closed"], severities: ["medium", "high"], tactics: ["execution"], q: "pow" }],
];

describe("insight index queries", () => {
  const index = build(12_000);
  const all = everything(index);

  it.each(combos)("%s: every sort and direction pages through exactly the matches, in order", (_name, filters) => {
    for (const sort of ["createdAt", "updatedAt", "severity"] as const) {
      for (const order of ["asc", "desc"] as const) {
        const query: IndexQuery = { ...base, ...filters, sort, order, limit: 500 };
        const expected = reference(all, query).map((e) => e.key);
        const { keys, totals } = pageThrough(index, query);
        expect(keys).toEqual(expected);
        expect(Array.from(totals)).toEqual([expected.length]);
      }
    }
  });

  it("answers from counters, a scan of a small source or intersected bitsets, and pages by sorting or walking", () => {
    expect(index.query({ ...base }).plan).toMatchObject({ total: "size", page: "walk" });
    expect(index.query({ ...base, statuses: ["new", "in_progress"], severities: ["high", "low", "critical"] }).plan).toMatchObject({
      total: "facets",
      page: "walk",
    });
    const small = index.query({ ...base, tenantIds: [TENANTS[0]!], statuses: ["new"] });
    expect(small.plan).toMatchObject({ total: "facets", filter: "scan", page: "sort" });
    expect(small.plan.scanned).toBeLessThanOrEqual(1200);
    const large = index.query({ ...base, tactics: ["execution", "discovery"], severities: ["high", "critical"] });
    expect(large.plan).toMatchObject({ total: "counted", filter: "bits", page: "walk" });
    // A walk stops after one page of matches instead of visiting the whole index.
    expect(large.plan.scanned).toBeLessThan(1000);
    // Sorted by the field a time range bounds, the walk starts at the bound.
    const week = index.query({ ...base, time: { field: "createdAt", from: BASE_TIME + 3 * day, to: BASE_TIME + 10 * day } });
    expect(week.plan.page).toBe("walk");
    expect(week.plan.scanned).toBeLessThan(week.total + 200);
    // A long range with another filter: whole days come from day postings, only the part days are walked.
    const long = index.query({ ...base, statuses: ["new"], time: { field: "updatedAt", from: BASE_TIME + 2.5 * day, to: BASE_TIME + 27.5 * day } });
    expect(long.plan.filter).toBe("bits");
    expect(long.plan.scanned).toBeLessThan(long.total);
  });

  it("finds nothing for unknown values without scanning", () => {
    const page = index.query({ ...base, tenantIds: ["tnt_nobodyAtAll00"] });
    expect(page).toMatchObject({ items: [], total: 0, nextCursor: null });
    expect(index.query({ ...base, q: "zzzznothing" }).total).toBe(0);
  });

  it("refuses a cursor of another sort and one that is not a cursor", () => {
    const { nextCursor } = index.query({ ...base });
    expect(() => index.query({ ...base, sort: "severity", cursor: nextCursor! })).toThrow(/another sort order/);
    expect(() => index.query({ ...base, cursor: "bm90IGEgY3Vyc29y" })).toThrow(/not a cursor/);
  });
});

describe("insight index changes", () => {
  it("pages without duplicates or gaps while insights arrive and change between pages", () => {
    const index = build(3000, 11);
    const random = seededRandom(99);
    const before = new Set(everything(index).map((e) => e.key));
    const seen: string[] = [];
    let cursor: string | undefined;
    let n = 100_000;
    for (;;) {
      const page = index.query({ sort: "createdAt", order: "desc", limit: 40, cursor });
      seen.push(...page.items.map((e) => e.key));
      // New insights land everywhere in time, and existing ones change status (not their position).
      for (let i = 0; i < 20; i++) index.upsert(entryInputOf(TENANTS[i % 10]!, makeInsight(random, n++)));
      const some = everything(index)[Math.floor(random() * index.size)]!;
      index.upsert({ ...some, status: "closed", revision: some.revision + 1 });
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(new Set(seen).size).toBe(seen.length);
    for (const key of before) expect(seen).toContain(key);
  });

  it("re-indexes only what changed: filters, words, sort position and counts follow an update", () => {
    const index = new InsightIndex();
    const random = seededRandom(3);
    const insight = makeInsight(random, 1, { status: "new", severity: "low", title: "Mimikatz on web", techniques: ["T1003.001"] });
    const { entry } = index.upsert(entryInputOf(TENANTS[0]!, insight));
    const other = index.upsert(entryInputOf(TENANTS[0]!, makeInsight(random, 2, { status: "new", severity: "low", title: "Quiet login" }))).entry;
    const q = (query: Partial<IndexQuery>) => index.query({ ...base, ...query }).items.map((e) => e.key);

    expect(q({ statuses: ["new"] })).toHaveLength(2);
    const later = Date.parse("2031-01-01T00:00:00Z");
    const { previous } = index.upsert({ ...entry, status: "closed", closedAt: later, updatedAt: later, severity: "critical", title: "Credential dump on web", revision: 2 });
    expect(previous?.status).toBe("new");

    expect(q({ statuses: ["new"] })).toEqual([other.key]);
    expect(q({ statuses: ["closed"] })).toEqual([entry.key]);
    expect(index.query({ ...base, statuses: ["closed"], severities: ["critical"] }).total).toBe(1);
    expect(q({ q: "mimikatz" })).toEqual([]);
    expect(q({ q: "credential" })).toEqual([entry.key]);
    expect(q({ sort: "updatedAt" })[0]).toBe(entry.key);
    expect(q({ sort: "severity" })[0]).toBe(entry.key);
    expect(Array.from(index.inRange("closedAt", later, later + 1, null), (e) => e.key)).toEqual([entry.key]);

    // Reopened: it leaves the closedAt key.
    index.upsert({ ...index.get(entry.key)!, status: "new", closedAt: null, revision: 3 });
    expect(Array.from(index.inRange("closedAt", null, null, null))).toEqual([]);
    expect(index.size).toBe(2);
  });

  it("removes a tenant's entries from every index", () => {
    const index = build(500, 5);
    const gone = TENANTS[4]!;
    expect(index.removeTenant(gone)).toBe(50);
    expect(index.size).toBe(450);
    expect(index.query({ ...base, tenantIds: [gone] }).total).toBe(0);
    expect(index.query({ ...base, limit: 200 }).total).toBe(450);
    expect(Array.from(index.inRange("createdAt", null, null, null)).some((e) => e.tenantId === gone)).toBe(false);
    // Freed slots are reused without mixing up entries.
    index.upsert(entryInputOf(gone, makeInsight(seededRandom(1), 9)));
    expect(index.query({ ...base, tenantIds: [gone] }).total).toBe(1);
  });

  it("serves dashboards: time ranges by ordered key, optionally for some tenants", () => {
    const index = build(2000, 21);
    const from = BASE_TIME + 5 * day;
    const to = BASE_TIME + 6 * day;
    const tenants = new Set([TENANTS[1]!, TENANTS[2]!]);
    const got = Array.from(index.inRange("createdAt", from, to, tenants), (e) => e.key).sort();
    const expected = everything(index)
      .filter((e) => e.createdAt >= from && e.createdAt < to && tenants.has(e.tenantId))
      .map((e) => e.key)
      .sort();
    expect(got).toEqual(expected);
    expect(got.length).toBeGreaterThan(0);
  });
});

describe("bulk load (hub start)", () => {
  const inputsOf = (count: number, seed = 7) => {
    const random = seededRandom(seed);
    return Array.from({ length: count }, (_, n) => entryInputOf(TENANTS[n % TENANTS.length]!, makeInsight(random, n)));
  };
  const keysOf = (index: InsightIndex, query: IndexQuery) => pageThrough(index, query).keys;
  /** Small, uneven slices: many runs and merge passes, and a pause (a real turn of the event loop) every 97 steps. */
  const pacing: BuildPacing = { sliceSize: 97, pause: () => new Promise<void>((resolve) => setImmediate(resolve)) };
  const load = (index: InsightIndex, inputs: readonly InsightEntryInput[]) => {
    const loading = index.beginLoad();
    for (const input of inputs) loading.add(input);
    return loading.finish(pacing);
  };

  it("answers every query exactly as an index built one insight at a time, and keeps taking changes", async () => {
    const inputs = inputsOf(6_000);
    const loaded = new InsightIndex();
    expect(await load(loaded, inputs)).toBe(6_000);
    const inserted = new InsightIndex();
    for (const input of inputs) inserted.upsert(input);
    expect(loaded.size).toBe(6_000);

    const compareAll = () => {
      for (const [, filters] of combos) {
        for (const sort of ["createdAt", "updatedAt", "severity"] as const) {
          const query: IndexQuery = { ...base, ...filters, sort, order: "desc", limit: 400 };
          expect(keysOf(loaded, query)).toEqual(keysOf(inserted, query));
        }
      }
    };
    compareAll();

    // The bulk-built trees take inserts, moves and deletes like any other.
    const later = BASE_TIME + 40 * day;
    for (const index of [loaded, inserted]) {
      const first = index.get(inputs[0]!.key)!;
      index.upsert({ ...first, status: "closed", closedAt: later, updatedAt: later, severity: "critical", revision: first.revision + 1 });
      index.remove(inputs[1]!.key);
      for (const input of inputsOf(300, 99)) index.upsert({ ...input, key: `${input.key}-new` });
    }
    expect(loaded.size).toBe(6_299);
    compareAll();
  });

  it("lets the event loop turn between slices while it posts and sorts, and reports how many are posted", async () => {
    const inputs = inputsOf(3_000);
    const index = new InsightIndex();
    const loading = index.beginLoad();
    for (const input of inputs) loading.add(input);
    // Something else the hub has to do meanwhile (a ping, an agent frame): it runs before the build ends.
    let turns = 0;
    let built = false;
    const other = () => {
      turns++;
      if (!built) setImmediate(other);
    };
    setImmediate(other);
    const posted: number[] = [];
    expect(await loading.finish(pacing, (count) => posted.push(count))).toBe(3_000);
    built = true;
    // Posting alone is 31 slices; sorting four orders in slices of 97 adds hundreds more.
    expect(turns).toBeGreaterThan(100);
    expect(posted.at(-1)).toBe(3_000);
    expect(posted.length).toBeGreaterThan(30);
    expect(index.query({ ...base, limit: 1 }).total).toBe(3_000);
  });

  it("loads into an index that held entries before, one at a time", async () => {
    const index = new InsightIndex();
    const [first, second] = inputsOf(2);
    index.upsert(first!);
    index.remove(first!.key);
    expect(await load(index, [first!, second!])).toBe(2);
    expect(index.size).toBe(2);
    expect(index.query({ ...base, limit: 10 }).items.map((e) => e.key).sort()).toEqual([first!.key, second!.key].sort());
  });

  it("keeps the last of two entries with the same key", async () => {
    const [input] = inputsOf(1);
    const index = new InsightIndex();
    expect(await load(index, [input!, { ...input!, status: "closed", title: "Second copy" }])).toBe(1);
    expect(index.size).toBe(1);
    expect(index.get(input!.key)?.title).toBe("Second copy");
    expect(index.query({ ...base, statuses: ["closed"] }).total).toBe(1);
    expect(index.query({ ...base, q: "second" }).items.map((e) => e.key)).toEqual([input!.key]);
  });
});
