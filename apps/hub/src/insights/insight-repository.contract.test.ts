import type { Insight } from "@canopy/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_TIME, entryInputOf, makeInsight, seededRandom } from "../../test/insight-fixtures.js";
import { reference } from "../../test/insight-reference.js";
import { openRepository, type RepositoryHarness, type RepositoryKind } from "../../test/insight-repositories.js";
import { ProblemError } from "../core/problem-error.js";
import { hubInsightId, makeEntry, type InsightEntry } from "./insight-entry.js";
import { POSTED } from "./insight-index.js";
import type { IndexQuery } from "./insight-query.js";
import type { FacetField, InsightRepository } from "./insight-repository.js";
import { SORT_ORDERS, type SortField } from "./sort-orders.js";

const TENANTS = ["tnt_Alpha", "tnt_Bravo", "tnt_charlie"];
const HOUR = 3600_000;

/** ~300 insights over three tenants; every fifth shares its creation time with its neighbours (ties on every sort). */
function dataset(): Map<string, Insight[]> {
  const random = seededRandom(11);
  const byTenant = new Map<string, Insight[]>(TENANTS.map((t) => [t, []]));
  for (let n = 0; n < 300; n++) {
    const tied = n % 5 === 0 ? { createdAt: new Date(BASE_TIME + 5 * HOUR), updatedAt: new Date(BASE_TIME + 6 * HOUR), severity: "high" as const } : {};
    byTenant.get(TENANTS[n % 3]!)!.push(makeInsight(random, n, tied));
  }
  return byTenant;
}

/** What the list shows of an insight, without the embedded index's ordinal. */
const shown = (entry: InsightEntry) => ({ ...entry, ord: undefined });

/** Stores, makes durable, shows: the intake's order. */
async function ingest(repository: InsightRepository, tenantId: string, insights: Insight[]) {
  const stored = await repository.store(tenantId, insights);
  await repository.durable();
  await repository.show(tenantId, stored.kept);
  return stored;
}

/** Follows `nextCursor` to the end. */
async function pageThrough(repository: InsightRepository, query: IndexQuery) {
  const items: InsightEntry[] = [];
  const totals = new Set<number>();
  let cursor = query.cursor;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await repository.list({ ...query, cursor });
    items.push(...page.items);
    totals.add(page.total);
    if (page.nextCursor === null) break;
    expect(page.items).toHaveLength(query.limit);
    cursor = page.nextCursor;
  }
  return { items, totals };
}

const QUERIES: (Partial<IndexQuery> & { name: string })[] = [
  { name: "everything" },
  { name: "one tenant", tenantIds: ["tnt_Bravo"] },
  { name: "two tenants and a status", tenantIds: ["tnt_Alpha", "tnt_charlie"], statuses: ["new"] },
  { name: "severities", severities: ["critical", "low"] },
  { name: "a tactic", tactics: ["credential-access"] },
  { name: "a technique and its sub-techniques", techniques: ["T1003"] },
  { name: "a sub-technique only", techniques: ["t1003.001"] },
  { name: "rules", ruleIds: ["rule-3", "rule-17"] },
  { name: "an assignee, any case", assignees: ["ANA@mssp.example"] },
  { name: "q by word prefixes", q: "mimi web" },
  { name: "q on the id", q: "ins-00012" },
  { name: "created range", time: { field: "createdAt", from: BASE_TIME + 3 * 24 * HOUR, to: BASE_TIME + 12 * 24 * HOUR } },
  { name: "closed since", time: { field: "closedAt", from: BASE_TIME + 10 * 24 * HOUR, to: null } },
  { name: "everything at once", statuses: ["new", "in_progress"], severities: ["high", "critical"], q: "on", time: { field: "updatedAt", from: BASE_TIME, to: null } },
];
const SORTS: [SortField, "asc" | "desc"][] = [
  ["createdAt", "desc"],
  ["createdAt", "asc"],
  ["updatedAt", "desc"],
  ["severity", "desc"],
  ["severity", "asc"],
];

function contract(kind: RepositoryKind) {
  describe(`the insight repository contract (${kind})`, () => {
    let h: RepositoryHarness;
    let repository: InsightRepository;
    const data = dataset();
    const all = [...data].flatMap(([tenantId, insights]) => insights.map((i) => makeEntry(entryInputOf(tenantId, i), -1)));

    beforeAll(async () => {
      h = await openRepository(kind);
      repository = h.repository;
      await repository.open(TENANTS);
      for (const [tenantId, insights] of data) await ingest(repository, tenantId, insights);
    }, 60_000);
    afterAll(() => h?.close());

    it("keeps only newer revisions: a batch again, or an older one, changes nothing", async () => {
      const tenantId = "tnt_rev";
      const first = makeInsight(seededRandom(1), 1, { title: "First revision", revision: 3 });
      expect(await ingest(repository, tenantId, [first])).toEqual({ kept: [first.id], updated: 0, unchanged: 0, bytes: expect.any(Number) });
      expect(await ingest(repository, tenantId, [first])).toEqual({ kept: [], updated: 0, unchanged: 1, bytes: 0 });
      expect(await ingest(repository, tenantId, [{ ...first, title: "Older", revision: 2 }])).toEqual({ kept: [], updated: 0, unchanged: 1, bytes: 0 });
      expect((await repository.get(hubInsightId(tenantId, first.id)))?.title).toBe("First revision");
      const newer = { ...first, title: "Newer", description: "now with more", revision: 4 };
      expect(await ingest(repository, tenantId, [newer])).toEqual({ kept: [first.id], updated: 1, unchanged: 0, bytes: expect.any(Number) });
      const detail = await repository.detail(hubInsightId(tenantId, first.id));
      expect(detail?.entry.revision).toBe(4);
      expect(detail?.record.description).toBe("now with more");
      const pair = [makeInsight(seededRandom(1), 9, { id: "z-last" }), makeInsight(seededRandom(1), 8, { id: "a-first" })];
      expect((await ingest(repository, tenantId, pair)).kept).toEqual(["z-last", "a-first"]);
      await repository.dropTenant(tenantId);
    });

    it("shows nothing of a write that failed, and keeps what was there", async () => {
      const tenantId = "tnt_fail";
      const held = makeInsight(seededRandom(2), 1, { title: "Held", revision: 1 });
      await ingest(repository, tenantId, [held]);
      await h.breakWrites();
      try {
        await expect(ingest(repository, tenantId, [{ ...held, title: "Lost", revision: 2 }, makeInsight(seededRandom(2), 2)])).rejects.toThrow();
      } finally {
        await h.mendWrites();
      }
      const page = await repository.list({ tenantIds: [tenantId], sort: "createdAt", order: "desc", limit: 10 });
      expect(page.items.map((e) => [e.localId, e.title, e.revision])).toEqual([[held.id, "Held", 1]]);
      expect(page.total).toBe(1);
      expect((await repository.detail(hubInsightId(tenantId, held.id)))?.record.title).toBe("Held");
      await repository.dropTenant(tenantId);
    });

    for (const query of QUERIES) {
      it(`filters: ${query.name}, in every sort, page after page`, async () => {
        for (const [sort, order] of SORTS) {
          const full: IndexQuery = { sort, order, limit: 7, ...query };
          const expected = reference(all, full);
          const { items, totals } = await pageThrough(repository, full);
          expect(items.map((e) => e.key)).toEqual(expected.map((e) => e.key));
          expect([...totals]).toEqual([expected.length]);
        }
      });
    }

    it("answers entries exactly as listed, one by one, and many at once in the order asked", async () => {
      const expected = reference(all, { sort: "createdAt", order: "desc" }).slice(0, 5);
      const page = await repository.list({ sort: "createdAt", order: "desc", limit: 5 });
      expect(page.items.map(shown)).toEqual(expected.map(shown));
      expect(shown((await repository.get(expected[2]!.key))!)).toEqual(shown(expected[2]!));
      const keys = [expected[3]!.key, "tnt_nobody~x", expected[0]!.key];
      expect([...(await repository.getMany(keys)).keys()]).toEqual([expected[3]!.key, expected[0]!.key]);
    });

    it("keeps its place across pages while insights arrive and change (no duplicate, no gap)", async () => {
      const query: IndexQuery = { sort: "createdAt", order: "desc", limit: 25, tenantIds: ["tnt_Alpha"] };
      const before = reference(all, query).map((e) => e.key);
      const first = await repository.list(query);
      const newest = makeInsight(seededRandom(3), 900, { createdAt: new Date(BASE_TIME + 90 * 24 * HOUR) });
      await ingest(repository, "tnt_Alpha", [newest]);
      const rest = await pageThrough(repository, { ...query, cursor: first.nextCursor! });
      expect([...first.items, ...rest.items].map((e) => e.key)).toEqual(before);
      await repository.dropTenant("tnt_Alpha");
      await ingest(repository, "tnt_Alpha", data.get("tnt_Alpha")!);
    });

    it("refuses a cursor of another sort with a 422", async () => {
      const page = await repository.list({ sort: "createdAt", order: "desc", limit: 2 });
      const refused = repository.list({ sort: "severity", order: "desc", limit: 2, cursor: page.nextCursor! });
      await expect(refused).rejects.toBeInstanceOf(ProblemError);
      await expect(repository.list({ sort: "createdAt", order: "desc", limit: 2, cursor: "bm9wZQ" })).rejects.toMatchObject({ status: 422 });
    });

    it("counts the most frequent values of each field, over all tenants or some", async () => {
      const fields: FacetField[] = ["tenantId", "status", "severity", "tactic", "technique", "ruleId", "assignee"];
      for (const field of fields) {
        for (const tenantIds of [null, ["tnt_Bravo", "tnt_charlie"]]) {
          const counts = new Map<string, number>();
          for (const e of all) if (!tenantIds || tenantIds.includes(e.tenantId)) for (const v of POSTED[field](e)) counts.set(v, (counts.get(v) ?? 0) + 1);
          const expected = [...counts]
            .map(([value, count]) => ({ value, count }))
            .sort((a, b) => b.count - a.count || (a.value < b.value ? -1 : 1))
            .slice(0, 5);
          expect(await repository.facets(field, tenantIds, 5)).toEqual(expected);
        }
      }
    });

    it("applies a triage change (the agent's new revision): lists, filters and counts follow", async () => {
      const target = data.get("tnt_Bravo")!.find((i) => i.status === "new")!;
      const key = hubInsightId("tnt_Bravo", target.id);
      const closedAt = new Date(BASE_TIME + 40 * 24 * HOUR);
      const closed = { ...target, status: "closed" as const, assignee: "Ben@mssp.example", closedAt, updatedAt: closedAt, revision: target.revision + 1 };
      const statusCount = async (status: "new" | "closed") => (await repository.list({ tenantIds: ["tnt_Bravo"], statuses: [status], sort: "createdAt", order: "desc", limit: 1 })).total;
      const [newBefore, closedBefore] = [await statusCount("new"), await statusCount("closed")];
      await ingest(repository, "tnt_Bravo", [closed]);
      expect(await statusCount("new")).toBe(newBefore - 1);
      expect(await statusCount("closed")).toBe(closedBefore + 1);
      const mine = await repository.list({ assignees: ["ben@mssp.example"], time: { field: "closedAt", from: closedAt.getTime(), to: null }, sort: "updatedAt", order: "desc", limit: 5 });
      expect(mine.items.map((e) => e.key)).toEqual([key]);
      await ingest(repository, "tnt_Bravo", [{ ...target, revision: target.revision + 2 }]);
    });

    it("reads time ranges for dashboards, in time order, of some tenants or all", async () => {
      const cases = [
        { field: "createdAt" as const, from: BASE_TIME + 2 * 24 * HOUR, to: BASE_TIME + 9 * 24 * HOUR, tenants: null },
        { field: "updatedAt" as const, from: null, to: BASE_TIME + 5 * 24 * HOUR, tenants: new Set(["tnt_charlie"]) },
        { field: "closedAt" as const, from: null, to: null, tenants: null },
      ];
      for (const { field, from, to, tenants } of cases) {
        const expected = reference(all, { sort: field === "closedAt" ? "createdAt" : field, order: "asc", tenantIds: tenants ? [...tenants] : undefined })
          .filter((e) => e[field] !== null && (from === null || e[field]! >= from) && (to === null || e[field]! < to))
          .sort(SORT_ORDERS[field].compare);
        const got = await repository.inRange(field, from, to, tenants);
        expect(got.map((e) => e.key)).toEqual(expected.map((e) => e.key));
      }
    });

    it("drops a tenant: its insights leave lists, reads and counts", async () => {
      const tenantId = "tnt_gone";
      const insights = [1, 2, 3].map((n) => makeInsight(seededRandom(4), n));
      await ingest(repository, tenantId, insights);
      const total = await repository.count();
      expect(await repository.dropTenant(tenantId)).toBe(3);
      expect(await repository.count()).toBe(total - 3);
      expect(await repository.get(hubInsightId(tenantId, insights[0]!.id))).toBeUndefined();
      expect((await repository.list({ tenantIds: [tenantId], sort: "createdAt", order: "desc", limit: 5 })).total).toBe(0);
      expect(await repository.facets("tenantId", [tenantId], 5)).toEqual([]);
    });
  });
}

contract("embedded");
contract("postgres");
