import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { seededRandom } from "../../test/insight-fixtures.js";
import { openHubData, type HubDataHarness, type HubDataKind } from "../../test/hub-data-harness.js";
import { manualClock } from "../../test/helpers.js";
import type { SyncSummary } from "../content/sync-reader.js";
import { itemKey, SEGMENT_ENTRIES, type DesiredEntry, type ReportedEntry } from "./push-records.js";
import { syncSummaryOf } from "./sync-state.js";
import type { TenantStateChange, TenantStateDocs } from "./tenant-state-repository.js";

const key = (name: string) => itemKey("custom-field", name);

/** A desired entry for custom field `name` (catalogue item `cnt_<name>` unless said). */
function desired(name: string, fields: Partial<DesiredEntry> = {}): DesiredEntry {
  return {
    id: key(name),
    kind: "custom-field",
    name,
    itemId: `cnt_${name}`,
    revision: 1,
    hash: `h-${name}-1`,
    pushId: "psh_1",
    options: { scheduledSearches: "include", scheduledReports: "ignore" },
    dependsOn: [],
    previous: null,
    ...fields,
  };
}

function reported(name: string, fields: Partial<ReportedEntry> = {}): ReportedEntry {
  return { id: key(name), hash: `h-${name}-1`, revision: 1, pushId: "psh_1", drifted: false, ...fields };
}

const change = (tenantId: string, fields: Partial<TenantStateChange>): TenantStateChange => ({
  tenantId,
  putDesired: [],
  deleteDesired: [],
  putReported: [],
  deleteReported: [],
  ...fields,
});

/** Reported entries have no order of their own: compared by key. */
const byId = <T extends { id: string }>(entries: readonly T[]) => [...entries].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const comparable = (docs: TenantStateDocs | undefined) => docs && { desired: docs.desired, reported: byId(docs.reported) };

describe.each<HubDataKind>(["embedded", "postgres"])("tenant state repository (%s)", (kind) => {
  let h: HubDataHarness;
  beforeEach(async () => {
    h = await openHubData(kind, manualClock());
  });
  afterEach(() => h.close());

  const save = (...changes: TenantStateChange[]) => h.data.write((tx) => tx.tenantStates.save(changes));
  const load = async (...tenantIds: string[]) => {
    const states = await h.data.tenantStates.load(tenantIds);
    return new Map([...states].map(([id, docs]) => [id, comparable(docs)]));
  };
  const desiredKeys = async (tenantId: string) => (await h.data.tenantStates.load([tenantId])).get(tenantId)!.desired.map((entry) => entry.id);

  it("loads several tenants at once; a tenant with no state has empty lists", async () => {
    const { id: _id, previous: _previous, ...before } = desired("Owner", { revision: 0, hash: "h-old", pushId: "psh_0" });
    const owner = desired("Owner", { dependsOn: [{ kind: "custom-field", name: "Tier" }], previous: before });
    await save(
      change("tnt_a", { putDesired: [desired("Tier"), owner], putReported: [reported("Tier"), reported("Gone", { hash: null, failedHash: "h-x", error: "no\u0000room" })] }),
      change("tnt_b", { putDesired: [desired("Tier", { revision: 2, hash: "h-Tier-2" })] }),
    );
    const states = await load("tnt_a", "tnt_none", "tnt_b");
    expect([...states.keys()].sort()).toEqual(["tnt_a", "tnt_b", "tnt_none"]);
    expect(states.get("tnt_a")).toEqual({
      desired: [desired("Tier"), owner],
      // An agent's error comes back as it said it, NUL and all.
      reported: [reported("Gone", { hash: null, failedHash: "h-x", error: "no\u0000room" }), reported("Tier")],
    });
    expect(states.get("tnt_b")).toEqual({ desired: [desired("Tier", { revision: 2, hash: "h-Tier-2" })], reported: [] });
    expect(states.get("tnt_none")).toEqual({ desired: [], reported: [] });
    expect((await h.data.tenantStates.load([])).size).toBe(0);
  });

  it("keeps desired keys in the order they were first desired: a put keeps a key's place, a delete and put places it last", async () => {
    await save(change("tnt_a", { putDesired: ["C", "A", "B"].map((name) => desired(name)) }));
    expect(await desiredKeys("tnt_a")).toEqual([key("C"), key("A"), key("B")]);
    // Put again (a new push of it): same place, new value.
    await save(change("tnt_a", { putDesired: [desired("A", { pushId: "psh_2", hash: "h-A-2" }), desired("D")] }));
    expect(await desiredKeys("tnt_a")).toEqual([key("C"), key("A"), key("B"), key("D")]);
    expect((await h.data.tenantStates.load(["tnt_a"])).get("tnt_a")!.desired[1]).toEqual(desired("A", { pushId: "psh_2", hash: "h-A-2" }));
    // Deleted, then desired again in a later unit of work: last.
    await save(change("tnt_a", { deleteDesired: [key("C")] }));
    await save(change("tnt_a", { putDesired: [desired("C")] }));
    expect(await desiredKeys("tnt_a")).toEqual([key("A"), key("B"), key("D"), key("C")]);
    // Deleted and desired again in one save (changes apply in turn): last too, after a new key put before it.
    await save(change("tnt_a", { putDesired: [desired("E")] }), change("tnt_a", { deleteDesired: [key("A")] }), change("tnt_a", { putDesired: [desired("A"), desired("B", { revision: 3 })] }));
    expect(await desiredKeys("tnt_a")).toEqual([key("B"), key("D"), key("C"), key("E"), key("A")]);
  });

  it("keeps a tenant's order over more entries than a segment holds: puts keep their place, a delete and put goes last, a forget empties all", async () => {
    const names = Array.from({ length: SEGMENT_ENTRIES * 2 + 100 }, (_, n) => `Rule ${String(n).padStart(4, "0")}`).reverse();
    await save(change("tnt_a", { putDesired: names.map((name) => desired(name)), putReported: names.map((name) => reported(name)) }));
    // A middle key of the first segment is deleted and desired again, another is put again.
    await save(change("tnt_a", { deleteDesired: [key(names[10]!)], deleteReported: [key(names[11]!)] }));
    await save(change("tnt_a", { putDesired: [desired(names[10]!, { revision: 2 }), desired(names[20]!, { revision: 2 })] }));
    const expected = [...names.slice(0, 10), ...names.slice(11)].concat(names[10]!).map(key);
    expect(await desiredKeys("tnt_a")).toEqual(expected);
    const state = (await h.data.tenantStates.load(["tnt_a"])).get("tnt_a")!;
    expect(state.desired.find((entry) => entry.id === key(names[20]!))?.revision).toBe(2);
    expect(byId(state.reported).map((entry) => entry.id)).toEqual(byId(names.filter((_, n) => n !== 11).map((name) => reported(name))).map((entry) => entry.id));
    expect((await h.data.tenantStates.targets(`cnt_${names[SEGMENT_ENTRIES + 5]!}`)).map((target) => target.reported?.id)).toEqual([key(names[SEGMENT_ENTRIES + 5]!)]);
    await save(change("tnt_a", { forget: true, putDesired: [desired("After")] }));
    expect(await load("tnt_a")).toEqual(new Map([["tnt_a", { desired: [desired("After")], reported: [] }]]));
  });

  it("saves puts and deletes of both states, tenant by tenant", async () => {
    await save(
      change("tnt_a", { putDesired: [desired("A"), desired("B")], putReported: [reported("A"), reported("B"), reported("X")] }),
      change("tnt_b", { putDesired: [desired("A")], putReported: [reported("A")] }),
    );
    await save(
      change("tnt_a", {
        putDesired: [desired("B", { hash: "h-B-2", revision: 2 })],
        deleteDesired: [key("A"), key("Never")],
        putReported: [reported("B", { drifted: true }), reported("A", { failedHash: "h-A-2", error: "denied" })],
        deleteReported: [key("X"), key("Never")],
      }),
    );
    const states = await load("tnt_a", "tnt_b");
    expect(states.get("tnt_a")).toEqual({
      desired: [desired("B", { hash: "h-B-2", revision: 2 })],
      reported: [reported("A", { failedHash: "h-A-2", error: "denied" }), reported("B", { drifted: true })],
    });
    expect(states.get("tnt_b")).toEqual({ desired: [desired("A")], reported: [reported("A")] });
    // A failure forgotten (a retry): the entry is put without it.
    await save(change("tnt_a", { putReported: [reported("A")] }));
    expect((await load("tnt_a")).get("tnt_a")!.reported[0]).toEqual(reported("A"));
  });

  it("a forget takes everything the tenant had; puts after it are all it has", async () => {
    await save(
      change("tnt_a", { putDesired: [desired("A"), desired("B")], putReported: [reported("A"), reported("B")] }),
      change("tnt_b", { putDesired: [desired("A")], putReported: [reported("A")] }),
    );
    await save(change("tnt_a", { forget: true }));
    expect((await load("tnt_a")).get("tnt_a")).toEqual({ desired: [], reported: [] });
    await save(change("tnt_b", { putDesired: [desired("C")] }), change("tnt_b", { forget: true, putDesired: [desired("D")], putReported: [reported("D")] }));
    expect((await load("tnt_b")).get("tnt_b")).toEqual({ desired: [desired("D")], reported: [reported("D")] });
    expect(await h.data.tenantStates.targets("cnt_A")).toEqual([]);
  });

  it("names an item's targets with their entries; a key that moved to another item no longer targets the old one", async () => {
    await save(
      change("tnt_b", { putDesired: [desired("A")], putReported: [reported("A", { drifted: true })] }),
      change("tnt_a", { putDesired: [desired("A"), desired("B")] }),
    );
    const targets = async (itemId: string) => [...(await h.data.tenantStates.targets(itemId))].sort((x, y) => (x.tenantId < y.tenantId ? -1 : 1));
    expect(await targets("cnt_A")).toEqual([
      { tenantId: "tnt_a", desired: desired("A"), reported: undefined },
      { tenantId: "tnt_b", desired: desired("A"), reported: reported("A", { drifted: true }) },
    ]);
    // The key now holds another catalogue item (the old one was deleted, a new one took its name).
    await save(change("tnt_a", { putDesired: [desired("A", { itemId: "cnt_A2" })] }));
    expect((await targets("cnt_A")).map((t) => t.tenantId)).toEqual(["tnt_b"]);
    expect(await targets("cnt_A2")).toEqual([{ tenantId: "tnt_a", desired: desired("A", { itemId: "cnt_A2" }), reported: undefined }]);
    expect(await targets("cnt_none")).toEqual([]);
  });

  it("a tenant desiring an item under two keys (renamed, pushed again) has one target for it: the key desired last", async () => {
    const old = desired("Old", { itemId: "cnt_R", hash: "h-old" });
    const renamed = desired("New", { itemId: "cnt_R", revision: 2, hash: "h-new" });
    await save(change("tnt_a", { putDesired: [old, renamed], putReported: [reported("Old", { hash: "h-old" })] }));
    expect(await h.data.tenantStates.targets("cnt_R")).toEqual([{ tenantId: "tnt_a", desired: renamed, reported: undefined }]);
    expect((await h.data.tenantStates.summaries([{ id: "cnt_R", revision: 2 }])).get("cnt_R")).toMatchObject({ total: 1, pending: 1 });
    // The old key put again keeps its place: the renamed one is still the target.
    await save(change("tnt_a", { putDesired: [{ ...old, pushId: "psh_2" }], putReported: [reported("New", { hash: "h-new", revision: 2 })] }));
    expect((await h.data.tenantStates.summaries([{ id: "cnt_R", revision: 2 }])).get("cnt_R")).toEqual({ synchronized: true, total: 1, applied: 1, pending: 0, failed: 0, drifted: 0 });
  });

  it("keeps a removal (tombstone) as written, in its key's place, and counts it as no item's target; a push of the key again replaces it", async () => {
    const held = desired("Gone", { itemId: "cnt_G", hash: "h-gone" });
    const other = desired("Other");
    await save(change("tnt_a", { putDesired: [held, other], putReported: [reported("Gone", { hash: "h-gone" })] }));
    const { id: _id, previous: _previous, ...value } = held;
    const removal = desired("Gone", { itemId: "", hash: "h-gone", pushId: "psh_2", remove: true, previous: value });
    await save(change("tnt_a", { putDesired: [removal], deleteReported: [key("Gone")] }));
    expect(await load("tnt_a")).toEqual(new Map([["tnt_a", { desired: [removal, other], reported: [] }]]));
    expect(await h.data.tenantStates.targets("cnt_G")).toEqual([]);
    expect((await h.data.tenantStates.summaries([{ id: "cnt_G", revision: 1 }])).get("cnt_G")).toMatchObject({ total: 0 });
    expect(await h.data.tenantStates.namedBy("psh_2")).toEqual([{ tenantId: "tnt_a", key: key("Gone") }]);

    const again = desired("Gone", { itemId: "cnt_G2", hash: "h-again", pushId: "psh_3" });
    await save(change("tnt_a", { putDesired: [again] }));
    expect((await h.data.tenantStates.load(["tnt_a"])).get("tnt_a")!.desired[0]).toEqual(again);
    expect(await h.data.tenantStates.targets("cnt_G2")).toEqual([{ tenantId: "tnt_a", desired: again, reported: undefined }]);
  });

  it("summarizes items' sync state as a brute-force reference does", async () => {
    const random = seededRandom(11);
    const pick = <T,>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
    const items = Array.from({ length: 9 }, (_, n) => ({ id: `cnt_${n}`, revision: 3 }));
    const tenants = Array.from({ length: 14 }, (_, n) => `tnt_${String(n).padStart(2, "0")}`);
    const docs = new Map<string, TenantStateDocs>();
    for (const tenantId of tenants) {
      const state: TenantStateDocs = { desired: [], reported: [] };
      // Items 7 and 8 are held by nobody.
      for (const item of items.slice(0, 7)) {
        if (random() < 0.25) continue;
        const name = item.id.slice(4);
        const revision = random() < 0.7 ? item.revision : 2;
        const entry = desired(name, { itemId: item.id, revision, hash: `h-${name}-${revision}` });
        state.desired.push(entry);
        const other = `h-${name}-other`;
        const report = pick<ReportedEntry | undefined>([
          undefined,
          reported(name, { hash: entry.hash, revision }),
          reported(name, { hash: entry.hash, revision, drifted: true }),
          reported(name, { hash: null, failedHash: entry.hash, error: "refused" }),
          reported(name, { hash: other, failedHash: entry.hash, error: "refused" }),
          reported(name, { hash: entry.hash, failedHash: entry.hash, error: "refused once" }),
          reported(name, { hash: other }),
          reported(name, { hash: other, failedHash: "h-older", error: "refused" }),
        ]);
        if (report) state.reported.push(report);
      }
      // A report of an item nothing desires counts for nothing.
      state.reported.push(reported("Stray", { hash: "h-Stray" }));
      docs.set(tenantId, state);
    }
    // Item 6 everywhere applied at its current revision, and item 5 at an old one: synchronized only for 6.
    for (const [n, revision] of [[6, 3], [5, 2]] as const) {
      for (const state of docs.values()) {
        const name = String(n);
        state.desired = [...state.desired.filter((entry) => entry.id !== key(name)), desired(name, { itemId: `cnt_${n}`, revision, hash: `h-${n}-${revision}` })];
        state.reported = [...state.reported.filter((entry) => entry.id !== key(name)), reported(name, { hash: `h-${n}-${revision}`, revision })];
      }
    }
    await save(...[...docs].map(([tenantId, state]) => change(tenantId, { putDesired: state.desired, putReported: state.reported })));

    const reference = (item: { id: string; revision: number }): SyncSummary => {
      const targets = [...docs.values()].flatMap((state) =>
        state.desired.filter((entry) => entry.itemId === item.id).map((entry) => ({ desired: entry, reported: state.reported.find((r) => r.id === entry.id) })),
      );
      return syncSummaryOf(targets, item.revision);
    };
    // The same items after a save: no target holds the current revision.
    const asked = items.map((item, n) => (n % 2 === 0 ? { ...item, revision: 4 } : item));
    for (const page of [items, asked, [{ id: "cnt_5", revision: 2 }], []]) {
      const summaries = await h.data.tenantStates.summaries(page);
      expect([...summaries.keys()].sort()).toEqual(page.map((item) => item.id).sort());
      for (const item of page) expect(summaries.get(item.id), `${item.id}@${item.revision}`).toEqual(reference(item));
    }
    const summaries = await h.data.tenantStates.summaries(items);
    // What the data was made to show, so the reference is not vacuous.
    expect(summaries.get("cnt_6")).toMatchObject({ synchronized: true, total: 14, applied: 14 });
    expect(summaries.get("cnt_5")).toMatchObject({ synchronized: false, total: 14, applied: 14 });
    expect(summaries.get("cnt_7")).toEqual({ synchronized: false, total: 0, applied: 0, pending: 0, failed: 0, drifted: 0 });
    const mixed = items.slice(0, 5).map((item) => summaries.get(item.id)!);
    for (const state of ["applied", "pending", "failed", "drifted"] as const) expect(mixed.some((summary) => summary[state] > 0), state).toBe(true);
  });

  it("saves a push to 420 tenants × 60 items whole (more than one statement's worth on PostgreSQL), keys in the order given", async () => {
    const names = Array.from({ length: 60 }, (_, n) => `Rule ${59 - n}`);
    const tenants = Array.from({ length: 420 }, (_, n) => `tnt_${String(419 - n).padStart(3, "0")}`);
    await save(...tenants.map((tenantId) => change(tenantId, { putDesired: names.map((name) => desired(name)), putReported: [reported(names[0]!)] })));
    const states = await h.data.tenantStates.load(["tnt_000", "tnt_209", "tnt_419"]);
    for (const state of states.values()) expect(state.desired.map((entry) => entry.name)).toEqual(names);
    expect((await h.data.tenantStates.summaries([{ id: "cnt_Rule 59", revision: 1 }, { id: "cnt_Rule 0", revision: 1 }])).get("cnt_Rule 59")).toMatchObject({ synchronized: true, total: 420 });
    expect((await h.data.tenantStates.targets("cnt_Rule 0")).length).toBe(420);
  });

  it("names the pushes desired entries name, and the entries of each", async () => {
    await save(
      change("tnt_a", { putDesired: [desired("A", { pushId: "psh_2" }), desired("B", { pushId: "psh_1" })] }),
      change("tnt_b", { putDesired: [desired("A", { pushId: "psh_2" })] }),
    );
    expect([...(await h.data.tenantStates.namedPushes())].sort()).toEqual(["psh_1", "psh_2"]);
    const namedBy = async (pushId: string) => [...(await h.data.tenantStates.namedBy(pushId))].sort((x, y) => (x.tenantId < y.tenantId ? -1 : 1));
    expect(await namedBy("psh_2")).toEqual([
      { tenantId: "tnt_a", key: key("A") },
      { tenantId: "tnt_b", key: key("A") },
    ]);
    // A stop put the item back to what an older push made it.
    await save(change("tnt_a", { putDesired: [desired("A", { pushId: "psh_0" })] }), change("tnt_b", { deleteDesired: [key("A")] }));
    expect([...(await h.data.tenantStates.namedPushes())].sort()).toEqual(["psh_0", "psh_1"]);
    expect(await namedBy("psh_2")).toEqual([]);
    expect(await namedBy("psh_0")).toEqual([{ tenantId: "tnt_a", key: key("A") }]);
  });

  it("a write the storage refuses rejects, and leaves nothing of it to see", async () => {
    await save(change("tnt_a", { putDesired: [desired("A")], putReported: [reported("A")] }));
    const before = await load("tnt_a", "tnt_b");
    await h.breakWrites();
    await expect(
      save(change("tnt_a", { forget: true, putDesired: [desired("B")] }), change("tnt_b", { putDesired: [desired("A")], putReported: [reported("A", { drifted: true })] })),
    ).rejects.toThrow();
    await h.mendWrites();
    expect(await load("tnt_a", "tnt_b")).toEqual(before);
    expect((await h.data.tenantStates.targets("cnt_A")).map((t) => t.tenantId)).toEqual(["tnt_a"]);
    expect(await h.data.tenantStates.namedBy("psh_1")).toEqual([{ tenantId: "tnt_a", key: key("A") }]);
  });
});

// The embedded store keeps what a unit put before it threw (HubData's rule: check, then change);
// a transaction takes it all back.
describe("tenant state repository (postgres): a transaction", () => {
  let h: HubDataHarness;
  beforeEach(async () => {
    h = await openHubData("postgres", manualClock());
  });
  afterEach(() => h.close());

  it("a unit of work that fails after its save keeps nothing of it", async () => {
    await h.data.write((tx) => tx.tenantStates.save([change("tnt_a", { putDesired: [desired("A")] })]));
    const before = await h.data.tenantStates.load(["tnt_a", "tnt_b"]);
    await expect(
      h.data.write(async (tx) => {
        await tx.tenantStates.save([change("tnt_a", { forget: true }), change("tnt_b", { putDesired: [desired("B")], putReported: [reported("B")] })]);
        throw new Error("the push that came with it was refused");
      }),
    ).rejects.toThrow(/refused/);
    expect(await h.data.tenantStates.load(["tnt_a", "tnt_b"])).toEqual(before);
  });
});
