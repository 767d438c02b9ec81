import { PUSH_RESULT_STATUSES, type PushResultStatus, type PushState } from "@canopy/api";
import type { ContentKind } from "@canopy/content";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openHubData, type HubDataHarness, type HubDataKind } from "../../test/hub-data-harness.js";
import { manualClock } from "../../test/helpers.js";
import { emptyProgress, itemKey, RESULT_CHUNK_ITEMS, type PushPlanDoc, type PushRecord } from "./push-records.js";
import type { PushPageQuery, StoredResult } from "./push-repository.js";

interface MadePush {
  record: PushRecord;
  plan: PushPlanDoc;
}

const T0 = Date.parse("2030-01-05T10:00:00.000Z");

/** A push of `names` (custom fields unless `kind`) to `tenants`, created at `at` ms. */
function makePush(n: number, names: string[], tenants: string[], options: { at?: number; createdBy?: string; kind?: ContentKind; state?: PushState } = {}): MadePush {
  const kind = options.kind ?? "custom-field";
  const at = options.at ?? T0 + n * 1000;
  const total = names.length * tenants.length;
  const record: PushRecord = {
    // Ids sort by creation, as the hub's sortable ids do.
    id: `psh_${String(n).padStart(4, "0")}`,
    type: "push",
    state: options.state ?? "running",
    createdBy: options.createdBy ?? "ana@example.com",
    createdAt: new Date(at).toISOString(),
    finishedAt: null,
    stoppedBy: null,
    title: names[0] ?? "nothing",
    kinds: [kind],
    itemCount: names.length,
    tenantCount: tenants.length,
    targets: { tenants },
    options: {},
    progress: { ...emptyProgress(), total, pending: total },
  };
  const plan: PushPlanDoc = {
    id: "plan",
    items: names.map((name) => ({ key: itemKey(kind, name), kind, name, itemId: `cnt_${name}`, revision: 1, hash: `h-${name}`, dependsOn: [] })),
    tenantIds: tenants,
  };
  return { record, plan };
}

const tenantsNamed = (count: number, prefix = "tnt_") => Array.from({ length: count }, (_, i) => `${prefix}${String(i).padStart(3, "0")}`);

describe.each<HubDataKind>(["embedded", "postgres"])("push repository (%s)", (kind) => {
  let h: HubDataHarness;
  beforeEach(async () => {
    h = await openHubData(kind, manualClock());
  });
  afterEach(() => h.close());

  const create = (push: MadePush) => h.data.write((tx) => tx.pushes.create(push.record, push.plan));
  const save = (results: StoredResult[]) => h.data.write((tx) => tx.pushes.saveResults(results));
  const statuses = async (pushId: string) => (await h.data.pushes.results(pushId)).map((r) => `${r.tenantId}/${r.key}:${r.status}${r.error ? `(${r.error})` : ""}`);

  it("a push of more items than a chunk of results holds: results in plan order, counts, outcomes per tenant, and a result moved in a later chunk", async () => {
    const names = Array.from({ length: RESULT_CHUNK_ITEMS * 2 + 7 }, (_, n) => `Rule ${n}`);
    const tenants = tenantsNamed(20);
    const push = makePush(1, names, tenants);
    await create(push);
    expect(await h.data.pushes.plan(push.record.id)).toEqual(push.plan);
    const last = itemKey("custom-field", names.at(-1)!);
    const middle = itemKey("custom-field", names[RESULT_CHUNK_ITEMS + 3]!);
    await save([
      { pushId: push.record.id, tenantId: "tnt_017", key: last, status: "applied" },
      { pushId: push.record.id, tenantId: "tnt_017", key: middle, status: "failed", error: "boom" },
      { pushId: push.record.id, tenantId: "tnt_003", key: middle, status: "applied" },
    ]);
    const total = names.length * tenants.length;
    expect(await h.data.pushes.progress(push.record.id)).toEqual({ ...emptyProgress(), total, pending: total - 3, applied: 2, failed: 1 });
    const of017 = await h.data.pushes.results(push.record.id, { tenantIds: ["tnt_017"] });
    expect(of017.map((r) => r.key)).toEqual(push.plan.items.map((item) => item.key));
    expect(of017.filter((r) => r.status !== "pending")).toEqual([
      { pushId: push.record.id, tenantId: "tnt_017", key: middle, status: "failed", error: "boom" },
      { pushId: push.record.id, tenantId: "tnt_017", key: last, status: "applied" },
    ]);
    expect(await h.data.pushes.outcomes(null, T0 + 10_000, new Set(["tnt_003"]))).toMatchObject({ applied: 1, failed: 0, pending: names.length - 1 });
  });

  it("creates a push with its plan and a pending result per tenant and item, in plan order", async () => {
    // Tenants out of id order: results follow the plan, not the ids.
    const push = makePush(1, ["Owner", "Tier"], ["tnt_b", "tnt_a", "tnt_c"]);
    await create(push);
    expect(await h.data.pushes.get(push.record.id)).toEqual(push.record);
    expect(await h.data.pushes.plan(push.record.id)).toEqual(push.plan);
    expect(await statuses(push.record.id)).toEqual([
      "tnt_b/custom-field:Owner:pending",
      "tnt_b/custom-field:Tier:pending",
      "tnt_a/custom-field:Owner:pending",
      "tnt_a/custom-field:Tier:pending",
      "tnt_c/custom-field:Owner:pending",
      "tnt_c/custom-field:Tier:pending",
    ]);
    expect(await h.data.pushes.progress(push.record.id)).toEqual({ ...emptyProgress(), total: 6, pending: 6 });
    expect(await h.data.pushes.get("psh_none")).toBeUndefined();
    expect(await h.data.pushes.plan("psh_none")).toBeUndefined();
    expect(await h.data.pushes.results("psh_none")).toEqual([]);
    expect(await h.data.pushes.progress("psh_none")).toEqual(emptyProgress());
  });

  it("moves results and their counts; filters by status and tenant; a record's state is saved", async () => {
    const push = makePush(1, ["Owner", "Tier"], ["tnt_a", "tnt_b"]);
    const id = push.record.id;
    await create(push);
    await save([
      { pushId: id, tenantId: "tnt_a", key: "custom-field:Owner", status: "applied" },
      { pushId: id, tenantId: "tnt_b", key: "custom-field:Tier", status: "failed", error: "no room" },
    ]);
    await save([{ pushId: id, tenantId: "tnt_a", key: "custom-field:Tier", status: "unchanged" }]);
    expect(await statuses(id)).toEqual([
      "tnt_a/custom-field:Owner:applied",
      "tnt_a/custom-field:Tier:unchanged",
      "tnt_b/custom-field:Owner:pending",
      "tnt_b/custom-field:Tier:failed(no room)",
    ]);
    expect(await h.data.pushes.progress(id)).toEqual({ ...emptyProgress(), total: 4, applied: 1, unchanged: 1, failed: 1, pending: 1 });
    // The record is shown with the counts its results have now, listed or alone.
    expect((await h.data.pushes.get(id))?.progress).toEqual(await h.data.pushes.progress(id));
    expect((await h.data.pushes.page({ limit: 5 })).items[0]?.progress).toEqual(await h.data.pushes.progress(id));
    expect((await h.data.pushes.inStates(["running"]))[0]?.progress).toEqual(await h.data.pushes.progress(id));
    // A retry: failed back to pending, its error gone.
    await save([{ pushId: id, tenantId: "tnt_b", key: "custom-field:Tier", status: "pending" }]);
    expect((await h.data.pushes.results(id, { statuses: ["pending"] })).map((r) => `${r.tenantId}/${r.key}`)).toEqual(["tnt_b/custom-field:Owner", "tnt_b/custom-field:Tier"]);
    expect((await h.data.pushes.results(id, { tenantIds: ["tnt_a"] })).map((r) => r.status)).toEqual(["applied", "unchanged"]);
    expect(await h.data.pushes.results(id, { statuses: ["pending"], tenantIds: ["tnt_a"] })).toEqual([]);
    expect((await h.data.pushes.results(id, { statuses: ["pending"] }))[1]).toEqual({ pushId: id, tenantId: "tnt_b", key: "custom-field:Tier", status: "pending" });

    const stopped: PushRecord = { ...push.record, state: "stopped", stoppedBy: "bo@example.com", finishedAt: new Date(T0 + 5000).toISOString() };
    await h.data.write((tx) => tx.pushes.saveRecord(stopped));
    expect(await h.data.pushes.get(id)).toMatchObject({ state: "stopped", stoppedBy: "bo@example.com", finishedAt: stopped.finishedAt });
    expect((await h.data.pushes.inStates(["stopped"])).map((r) => r.id)).toEqual([id]);
    expect(await h.data.pushes.inStates(["running"])).toEqual([]);
  });

  it("refuses a result its push's plan does not hold, and keeps nothing of that unit of work", async () => {
    const push = makePush(1, ["Owner"], ["tnt_a"]);
    const id = push.record.id;
    await create(push);
    const before = await statuses(id);
    // Checked before anything moves: the embedded store keeps what a failed unit already put.
    await expect(
      save([
        { pushId: id, tenantId: "tnt_a", key: "custom-field:Owner", status: "applied" },
        { pushId: id, tenantId: "tnt_z", key: "custom-field:Owner", status: "applied" },
      ]),
    ).rejects.toThrow(/tnt_z/);
    await expect(save([{ pushId: id, tenantId: "tnt_a", key: "custom-field:Nope", status: "applied" }])).rejects.toThrow(/Nope/);
    expect(await statuses(id)).toEqual(before);
    expect(await h.data.pushes.progress(id)).toEqual({ ...emptyProgress(), total: 1, pending: 1 });
    await expect(save([{ pushId: "psh_none", tenantId: "tnt_a", key: "custom-field:Owner", status: "applied" }])).rejects.toThrow(/psh_none/);
  });

  it("a write the storage refuses leaves no push, plan or result", async () => {
    const push = makePush(1, ["Owner"], ["tnt_a", "tnt_b"]);
    await h.breakWrites();
    await expect(create(push)).rejects.toThrow();
    await h.mendWrites();
    expect(await h.data.pushes.get(push.record.id)).toBeUndefined();
    expect(await h.data.pushes.plan(push.record.id)).toBeUndefined();
    expect(await h.data.pushes.results(push.record.id)).toEqual([]);
    expect((await h.data.pushes.page({ limit: 10 })).items).toEqual([]);
  });

  it("pages newest first with every filter, as a brute-force reference does", async () => {
    const pushes: MadePush[] = [];
    const people = ["ana@example.com", "bo@example.com"];
    const kinds: ContentKind[] = ["custom-field", "siem-rule"];
    const states: PushState[] = ["running", "completed", "stopped"];
    for (let n = 1; n <= 11; n++) {
      const tenants = n % 3 === 0 ? ["tnt_a"] : n % 3 === 1 ? ["tnt_a", "tnt_b"] : ["tnt_c"];
      pushes.push(makePush(n, [`Item ${n % 4}`], tenants, { createdBy: people[n % 2], kind: kinds[n % 2], state: states[n % 3] }));
    }
    for (const push of pushes) await create(push);
    const filters: Omit<PushPageQuery, "limit" | "cursor">[] = [
      {},
      { createdBy: "bo@example.com" },
      { state: "completed" },
      { kind: "siem-rule" },
      { tenantId: "tnt_a" },
      { itemId: "cnt_Item 1" },
      { tenantId: "tnt_a", kind: "custom-field", state: "running" },
      { tenantId: "tnt_nobody" },
    ];
    for (const filter of filters) {
      const expected = pushes
        .filter(({ record, plan }) => {
          if (filter.createdBy !== undefined && record.createdBy !== filter.createdBy) return false;
          if (filter.state !== undefined && record.state !== filter.state) return false;
          if (filter.kind !== undefined && !record.kinds.includes(filter.kind)) return false;
          if (filter.tenantId !== undefined && !plan.tenantIds.includes(filter.tenantId)) return false;
          return filter.itemId === undefined || plan.items.some((item) => item.itemId === filter.itemId);
        })
        .map(({ record }) => record.id)
        .reverse();
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = await h.data.pushes.page({ ...filter, limit: 2, cursor });
        seen.push(...page.items.map((record) => record.id));
        expect(page.items.length, JSON.stringify(filter)).toBeLessThanOrEqual(2);
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
      }
      expect(seen, JSON.stringify(filter)).toEqual(expected);
    }
    expect((await h.data.pushes.inStates(["running", "stopped"])).map((r) => r.id)).toEqual(
      pushes.filter(({ record }) => record.state !== "completed").map(({ record }) => record.id),
    );
  });

  it("counts outcomes by creation time and tenant, as a brute-force reference does", async () => {
    const statusesInTurn: PushResultStatus[] = ["applied", "failed", "unchanged", "pending", "skipped", "stopped"];
    const made: MadePush[] = [];
    const results: StoredResult[] = [];
    for (let n = 1; n <= 6; n++) {
      const push = makePush(n, ["Owner", "Tier"], n % 2 === 0 ? ["tnt_a", "tnt_b"] : ["tnt_b", "tnt_c"], { at: T0 + n * 3_600_000 });
      made.push(push);
      await create(push);
      let turn = n;
      for (const tenantId of push.plan.tenantIds) {
        for (const item of push.plan.items) {
          const status = statusesInTurn[turn++ % statusesInTurn.length]!;
          results.push({ pushId: push.record.id, tenantId, key: item.key, status });
        }
      }
    }
    await save(results);
    const reference = (from: number | null, to: number, tenants: ReadonlySet<string> | null) => {
      const counts = Object.fromEntries(PUSH_RESULT_STATUSES.map((status) => [status, 0])) as Record<PushResultStatus, number>;
      for (const result of results) {
        const at = Date.parse(made.find((push) => push.record.id === result.pushId)!.record.createdAt);
        if ((from !== null && at < from) || at >= to) continue;
        if (tenants !== null && !tenants.has(result.tenantId)) continue;
        counts[result.status]++;
      }
      return counts;
    };
    const windows: [number | null, number][] = [
      [null, T0 + 100 * 3_600_000],
      [T0 + 2 * 3_600_000, T0 + 5 * 3_600_000],
      [T0 + 3 * 3_600_000, T0 + 3 * 3_600_000 + 1],
      [T0 + 7 * 3_600_000, T0 + 9 * 3_600_000],
    ];
    for (const [from, to] of windows) {
      for (const tenants of [null, new Set(["tnt_a"]), new Set(["tnt_b", "tnt_c"]), new Set<string>()]) {
        expect(await h.data.pushes.outcomes(from, to, tenants), `${from}..${to} ${tenants ? [...tenants].join(",") : "all"}`).toEqual(reference(from, to, tenants));
      }
    }
  });

  it("creates a push to 300 tenants × 20 items whole, and counts it", async () => {
    const push = makePush(1, Array.from({ length: 20 }, (_, i) => `Rule ${i}`), tenantsNamed(300));
    await create(push);
    const results = await h.data.pushes.results(push.record.id);
    expect(results).toHaveLength(6000);
    expect(results[0]).toEqual({ pushId: push.record.id, tenantId: "tnt_000", key: "custom-field:Rule 0", status: "pending" });
    expect(results[5999]).toEqual({ pushId: push.record.id, tenantId: "tnt_299", key: "custom-field:Rule 19", status: "pending" });
    const settled = results.slice(0, 4500).map((result) => ({ ...result, status: "applied" as const }));
    await save(settled);
    expect(await h.data.pushes.progress(push.record.id)).toEqual({ ...emptyProgress(), total: 6000, applied: 4500, pending: 1500 });
    expect((await h.data.pushes.results(push.record.id, { tenantIds: ["tnt_299", "tnt_000"] })).map((r) => r.tenantId)).toEqual([
      ...Array<string>(20).fill("tnt_000"),
      ...Array<string>(20).fill("tnt_299"),
    ]);
  });
});
