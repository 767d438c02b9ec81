import { createMemoryStore } from "@canopy/store";
import { describe, expect, it } from "vitest";
import { EmbeddedTenantStates } from "./embedded-tenant-states.js";
import type { DesiredEntry, ReportedEntry } from "./push-records.js";
import { TenantState } from "./tenant-state.js";
import type { TenantStateDocs, TenantStateRepository } from "./tenant-state-repository.js";

const desired = (name: string, pushId = "psh_1"): DesiredEntry => ({
  id: `custom-field:${name}`,
  kind: "custom-field",
  name,
  itemId: `cnt_${name}`,
  revision: 1,
  hash: `h-${name}`,
  pushId,
  options: { scheduledSearches: "include", scheduledReports: "include" },
  dependsOn: [],
  previous: null,
});
const reported = (name: string): ReportedEntry => ({ id: `custom-field:${name}`, hash: `h-${name}`, revision: 1, pushId: "psh_1", drifted: false });

interface PendingLoad {
  ids: readonly string[];
  resolve(): void;
  reject(error: Error): void;
}

/** A repository whose loads wait until the test lets them answer, from `stored`. */
class HeldLoads implements Pick<TenantStateRepository, "load"> {
  readonly stored = new Map<string, TenantStateDocs>();
  readonly pending: PendingLoad[] = [];
  loads = 0;

  load(ids: readonly string[]): Promise<Map<string, TenantStateDocs>> {
    this.loads++;
    // What is stored when the read happens (now), answered when the test says so.
    const answer = new Map(ids.map((id) => [id, this.stored.get(id) ?? { desired: [], reported: [] }]));
    return new Promise((resolve, reject) => this.pending.push({ ids, resolve: () => resolve(answer), reject }));
  }

  answerAll(): void {
    for (const load of this.pending.splice(0)) load.resolve();
  }
}

/** Lets promise callbacks run. */
const ticks = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe("TenantState (the working set delivery works on)", () => {
  it("on the embedded store, what is kept to write a tenant leaves memory with the tenant, and the tenant reads back the same", async () => {
    const store = createMemoryStore();
    const repository = new EmbeddedTenantStates(store);
    const state = new TenantState(repository);
    const tenants = ["tnt_a", "tnt_b", "tnt_c"];
    await state.hold(tenants);
    for (const tenantId of tenants) {
      state.setDesired(tenantId, desired("A"));
      state.setDesired(tenantId, desired("B"));
      state.mergeManifest(tenantId, [{ kind: "custom-field", name: "A", hash: "h-A", revision: 1, pushId: "psh_1", drifted: false }]);
    }
    const changes = state.takeWrites();
    await repository.save(changes);
    await store.flush();
    expect(repository.tenantsInMemory).toBe(3);
    state.release(tenants);
    // Still being written: kept until the write lands.
    expect(repository.tenantsInMemory).toBe(3);
    state.written(changes);
    expect(state.loadedTenants).toBe(0);
    expect(repository.tenantsInMemory).toBe(0);
    // A user's read of the durable state keeps nothing either.
    expect(await repository.namedBy("psh_1")).toHaveLength(6);
    expect(repository.tenantsInMemory).toBe(0);
    await state.hold(["tnt_b"]);
    expect(state.desiredKeys("tnt_b")).toEqual(["custom-field:A", "custom-field:B"]);
    expect(state.reported("tnt_b", "custom-field:A")).toMatchObject({ hash: "h-A" });
    expect(repository.tenantsInMemory).toBe(1);
  });

  it("loads a tenant once for holds at the same time, and lets it go once released and written", async () => {
    const repository = new HeldLoads();
    repository.stored.set("tnt_a", { desired: [desired("A")], reported: [reported("A")] });
    const state = new TenantState(repository);
    const first = state.hold(["tnt_a"]);
    const second = state.hold(["tnt_a"]);
    repository.answerAll();
    await Promise.all([first, second]);
    expect(repository.loads).toBe(1);
    expect(state.desiredKeys("tnt_a")).toEqual(["custom-field:A"]);
    expect(state.reported("tnt_a", "custom-field:A")).toMatchObject({ hash: "h-A" });

    state.setDesired("tnt_a", desired("B", "psh_2"));
    state.release(["tnt_a"]);
    state.release(["tnt_a"]);
    // Released, but a change waits to be written: still here.
    expect(state.loadedTenants).toBe(1);
    const changes = state.takeWrites();
    expect(changes).toEqual([{ tenantId: "tnt_a", putDesired: [desired("B", "psh_2")], deleteDesired: [], putReported: [], deleteReported: [] }]);
    expect(state.loadedTenants).toBe(1);
    state.written(changes);
    expect(state.loadedTenants).toBe(0);
    expect(() => state.desired("tnt_a", "custom-field:A")).toThrow(/not in memory/);
  });

  it("a write that failed gives its changes back: the next write carries them, as the entries are then", async () => {
    const repository = new HeldLoads();
    const state = new TenantState(repository);
    const holding = state.hold(["tnt_a"]);
    repository.answerAll();
    await holding;
    state.setDesired("tnt_a", desired("A"));
    const failed = state.takeWrites();
    state.recordOutcome("tnt_a", { key: "custom-field:A", kind: "custom-field", name: "A", revision: 1, hash: "h-A" }, "applied", "psh_1");
    state.requeue(failed);
    state.release(["tnt_a"]);
    const next = state.takeWrites();
    expect(next).toHaveLength(1);
    expect(next[0]!.putDesired.map((entry) => entry.id)).toEqual(["custom-field:A"]);
    expect(next[0]!.putReported.map((entry) => entry.id)).toEqual(["custom-field:A"]);
    expect(state.loadedTenants).toBe(1);
    state.written(next);
    expect(state.loadedTenants).toBe(0);
    expect(state.hasWrites).toBe(false);
  });

  it("a stop puts back the previous value, or deletes an entry that had none", async () => {
    const repository = new HeldLoads();
    const state = new TenantState(repository);
    const holding = state.hold(["tnt_a"]);
    repository.answerAll();
    await holding;
    const { id: _id, previous: _previous, ...value } = desired("A", "psh_1");
    state.setDesired("tnt_a", { ...desired("A", "psh_2"), previous: value });
    state.setDesired("tnt_a", desired("B", "psh_2"));
    expect(state.restoreDesired("tnt_a", "custom-field:A", "psh_1")).toBe(false);
    expect(state.restoreDesired("tnt_a", "custom-field:A", "psh_2")).toBe(true);
    expect(state.restoreDesired("tnt_a", "custom-field:B", "psh_2")).toBe(true);
    expect(state.desiredEntries("tnt_a")).toEqual([desired("A", "psh_1")]);
    expect(state.takeWrites()).toEqual([{ tenantId: "tnt_a", putDesired: [desired("A", "psh_1")], deleteDesired: ["custom-field:B"], putReported: [], deleteReported: [] }]);
  });

  it("a key deleted and desired again before the next write is written as a delete and a put, so a reload keeps memory's order", async () => {
    const repository = new HeldLoads();
    repository.stored.set("tnt_a", { desired: [desired("A"), desired("B")], reported: [] });
    const state = new TenantState(repository);
    const holding = state.hold(["tnt_a"]);
    repository.answerAll();
    await holding;
    expect(state.restoreDesired("tnt_a", "custom-field:A", "psh_1")).toBe(true);
    state.setDesired("tnt_a", desired("A", "psh_2"));
    expect(state.desiredKeys("tnt_a")).toEqual(["custom-field:B", "custom-field:A"]);
    expect(state.takeWrites()).toEqual([{ tenantId: "tnt_a", putDesired: [desired("A", "psh_2")], deleteDesired: ["custom-field:A"], putReported: [], deleteReported: [] }]);
  });

  it("forgets a tenant it never loaded: everything of it is deleted, and a load that read it before is not taken", async () => {
    const repository = new HeldLoads();
    repository.stored.set("tnt_gone", { desired: [desired("A")], reported: [reported("A")] });
    const state = new TenantState(repository);
    const holding = state.hold(["tnt_gone"]);
    state.forget("tnt_gone");
    repository.answerAll();
    await holding;
    expect(state.desiredEntries("tnt_gone")).toEqual([]);
    expect(state.takeWrites()).toEqual([{ tenantId: "tnt_gone", forget: true, putDesired: [], deleteDesired: [], putReported: [], deleteReported: [] }]);
  });

  it("a load that fails holds nothing: the next hold reads again", async () => {
    const repository = new HeldLoads();
    const state = new TenantState(repository);
    const failing = state.hold(["tnt_a", "tnt_b"]);
    repository.pending.splice(0)[0]!.reject(new Error("connection lost"));
    await expect(failing).rejects.toThrow("connection lost");
    expect(state.loadedTenants).toBe(0);
    const again = state.hold(["tnt_a"]);
    await ticks();
    repository.answerAll();
    await again;
    expect(repository.loads).toBe(2);
    expect(state.desiredEntries("tnt_a")).toEqual([]);
  });

  it("reads a push's thousands of tenants in chunks, not one statement each nor one huge one", async () => {
    const repository = new HeldLoads();
    const state = new TenantState(repository);
    const ids = Array.from({ length: 2500 }, (_, i) => `tnt_${i}`);
    const holding = state.hold(ids);
    expect(repository.pending.map((load) => load.ids.length)).toEqual([1000, 1000, 500]);
    repository.answerAll();
    await holding;
    expect(state.loadedTenants).toBe(2500);
    state.release(ids);
    expect(state.loadedTenants).toBe(0);
  });
});
