import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeContentAgent, PushWorld } from "../../test/push-kit.js";
import type { PushRecord } from "./push-records.js";
import { withDefaults } from "./reconciler-options.js";

const toAll = { all: true as const };
async function fieldRefs(world: PushWorld, count: number) {
  const refs: { kind: "custom-fields"; id: string }[] = [];
  for (let i = 0; i < count; i++) refs.push({ kind: "custom-fields", id: (await world.field(`F${i}`)).id });
  return refs;
}

async function statuses(world: PushWorld, pushId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { status } of await world.results(pushId)) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

describe("push engine: losses and restarts", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a new engine on the same store finishes a push exactly once, from the agents' manifests", async () => {
    const world = new PushWorld({ reconciler: { batchItems: 4 } });
    const a = new FakeContentAgent(world, world.tenant("A"));
    const b = new FakeContentAgent(world, world.tenant("B"));
    for (const agent of [a, b]) {
      agent.autoAck = false;
      agent.connect();
    }
    const push = await world.engine.push({ items: await fieldRefs(world, 10), targets: toAll }, "ops@x");
    await world.turn();
    a.answer(); // acknowledged and recorded
    b.dropAcks = true;
    b.answer(); // applied by the agent, but the ack is lost with the hub
    await world.settle();
    expect((await world.progress(push.id))).toMatchObject({ total: 20, applied: 4, pending: 16 });

    // Crash: nothing in memory survives, only what the store holds.
    await world.restart();
    a.isOpen = b.isOpen = false;
    a.received.length = b.received.length = a.inbox.length = b.inbox.length = 0;
    b.dropAcks = false;
    for (const agent of [a, b]) {
      agent.autoAck = true;
      agent.connect();
    }
    await world.settle();

    expect((await world.record(push.id)).state).toBe("completed");
    expect(await statuses(world, push.id)).toEqual({ applied: 20 });
    expect((await world.results(push.id))).toHaveLength(20);
    // B's first four were settled from its manifest (held by this push), not sent again.
    expect(b.received.flatMap((batch) => batch.items.map((i) => i.name))).toEqual(["F4", "F5", "F6", "F7", "F8", "F9"]);
    expect(a.received.flatMap((batch) => batch.items)).toHaveLength(6);
  });

  it("a finished push is finished after a restart, even if its last state change was not written", async () => {
    const world = new PushWorld();
    const agent = new FakeContentAgent(world, world.tenant("A"));
    agent.connect();
    const push = await world.engine.push({ items: await fieldRefs(world, 1), targets: toAll }, "ops@x");
    await world.settle();
    world.store.collection<PushRecord>("pushes").update(push.id, { state: "running", finishedAt: null });
    await world.restart();
    expect((await world.record(push.id)).state).toBe("completed");
  });

  it("batches lost to a disconnect are sent again after the reconnect; the agent's replay answer counts once", async () => {
    const world = new PushWorld({ reconciler: { batchItems: 2 } });
    const agent = new FakeContentAgent(world, world.tenant("A"));
    agent.autoAck = false;
    agent.connect();
    const push = await world.engine.push({ items: await fieldRefs(world, 3), targets: toAll }, "ops@x");
    await world.turn();
    agent.dropAcks = true;
    agent.answer();
    agent.disconnect();
    agent.dropAcks = false;
    agent.autoAck = true;
    agent.connect();
    await world.settle();
    expect(await statuses(world, push.id)).toEqual({ applied: 3 });
    expect((await world.record(push.id)).state).toBe("completed");
  });

  it("an agent whose tenant's state cannot be read yet stays connected, and is delivered to once it can", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { retryBaseMs } = withDefaults({});
    const world = new PushWorld();
    const tenantId = world.tenant("A");
    const push = await world.engine.push({ items: await fieldRefs(world, 2), targets: toAll }, "ops@x");
    const states = world.data.tenantStates;
    const load = states.load.bind(states);
    let refusals = 2;
    states.load = async (ids) => {
      if (refusals-- > 0) throw new Error("the database is restarting");
      return load(ids);
    };
    const agent = new FakeContentAgent(world, tenantId);
    agent.connect();
    await world.settle();
    expect(agent.inbox).toEqual([]);
    // Tried again after 1 s, then 2 s (the reconciler's backoff), and then it is read.
    vi.advanceTimersByTime(retryBaseMs);
    await world.settle();
    expect(agent.inbox).toEqual([]);
    vi.advanceTimersByTime(2 * retryBaseMs);
    await world.settle();
    expect(await statuses(world, push.id)).toEqual({ applied: 2 });
    expect(world.engine.state.loadedTenants).toBe(1);
    // The agent goes: its tenant's state leaves memory with it.
    agent.disconnect();
    await world.settle();
    expect(world.engine.state.loadedTenants).toBe(0);
  });

  it("a batch not acknowledged in time is resent after a backoff, and a late ack still counts", async () => {
    // The reconciler's timers (ack timeout, backoff) on virtual time, at their defaults.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { ackTimeoutMs, retryBaseMs } = withDefaults({});
    const world = new PushWorld();
    const agent = new FakeContentAgent(world, world.tenant("A"));
    agent.autoAck = false;
    agent.connect();
    const push = await world.engine.push({ items: await fieldRefs(world, 1), targets: toAll }, "ops@x");
    await world.turn();
    const first = agent.inbox[0]!.batchId;
    vi.advanceTimersByTime(ackTimeoutMs - 1);
    await world.turn();
    expect(agent.received).toHaveLength(1);
    vi.advanceTimersByTime(1); // timed out: resent after the first backoff
    // A resend is built in the tenant's next scheduler turn: give it one before each look.
    vi.advanceTimersByTime(retryBaseMs - 1);
    await world.turn();
    expect(agent.received).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await world.turn();
    expect(agent.received).toHaveLength(2);
    agent.answer(first);
    await world.settle();
    expect(await statuses(world, push.id)).toEqual({ applied: 1 });
    agent.answer();
    await world.settle();
    expect(await statuses(world, push.id)).toEqual({ applied: 1 });
  });

  it("acknowledgements are taken only for what was sent, on the link it was sent on", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const { retryBaseMs } = withDefaults({});
    const world = new PushWorld();
    const agent = new FakeContentAgent(world, world.tenant("A"));
    agent.autoAck = false;
    agent.connect();
    const push = await world.engine.push({ items: await fieldRefs(world, 1), targets: toAll }, "ops@x");
    await world.turn();
    const batch = agent.inbox[0]!;
    const item = batch.items[0]!;
    const port = world.engine.reconciler;
    port.ack(agent, { type: "content.ack", batchId: "b-unknown", results: [{ kind: item.kind, name: item.name, revision: 1, hash: item.hash, status: "applied" }] });
    port.ack(agent, { type: "content.ack", batchId: batch.batchId, results: [{ kind: item.kind, name: "Not Sent", revision: 1, hash: item.hash, status: "applied" }, { kind: item.kind, name: item.name, revision: 1, hash: `sha256:${"0".repeat(64)}`, status: "applied" }] });
    await world.settle();
    expect(await statuses(world, push.id)).toEqual({ pending: 1 });
    expect(await world.reported(agent.tenantId, "custom-field:Not Sent")).toBeUndefined();
    // What the ack left out is sent once more, after a backoff.
    // A resend is built in the tenant's next scheduler turn: give it one before each look.
    vi.advanceTimersByTime(retryBaseMs - 1);
    await world.turn();
    expect(agent.received).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await world.turn();
    expect(agent.received).toHaveLength(2);

    const stale = { ...agent, sessionId: "old" } as unknown as FakeContentAgent;
    port.ack(stale, { type: "content.ack", batchId: agent.inbox[1]!.batchId, results: [] });
    agent.answer(agent.inbox[1]!.batchId);
    await world.settle();
    expect(await statuses(world, push.id)).toEqual({ applied: 1 });
  });

  it("drift shows in the sync state and a new push heals it", async () => {
    const world = new PushWorld();
    const agent = new FakeContentAgent(world, world.tenant("A"));
    agent.connect();
    const field = await world.field("Drifty");
    await world.engine.push({ items: [{ kind: "custom-fields", id: field.id }], targets: toAll }, "ops@x");
    await world.settle();
    agent.drift("custom-field", "Drifty");
    // The sync state is read as it is on disk: the drift report shows once it is written.
    await world.settle();
    expect((await world.syncOf("custom-field", field.id))).toMatchObject({ synchronized: false, drifted: 1 });
    // Drift is not healed behind the user's back, not even on a reconnect.
    agent.disconnect();
    agent.connect();
    await world.settle();
    expect(agent.received).toHaveLength(1);
    expect((await world.engine.dryRun({ items: [{ kind: "custom-fields", id: field.id }], targets: toAll })).plan[0]!.action).toBe("replace");

    const heal = await world.engine.push({ items: [{ kind: "custom-fields", id: field.id }], targets: toAll }, "ops@x");
    await world.settle();
    expect(await statuses(world, heal.id)).toEqual({ applied: 1 });
    expect((await world.syncOf("custom-field", field.id))).toMatchObject({ synchronized: true, drifted: 0 });
  });

  it("a deleted tenant's pending results stop and its state is dropped", async () => {
    const world = new PushWorld();
    const gone = world.tenant("Gone");
    const field = await world.field("Orphan");
    const push = await world.engine.push({ items: [{ kind: "custom-fields", id: field.id }], targets: toAll }, "ops@x");
    await world.tenants.delete(gone);
    world.engine.control.tenantDeleted(gone);
    await world.settle();
    expect((await world.result(push.id, gone, "custom-field:Orphan"))).toEqual({ status: "stopped", error: "the tenant was deleted" });
    expect((await world.record(push.id)).state).toBe("completed");
    expect((await world.syncOf("custom-field", field.id)).total).toBe(0);
  });

  it("refuses pushes naming unknown items or tenants, and targets that match nobody", async () => {
    const world = new PushWorld();
    const tenant = world.tenant("A", ["eu"]);
    const field = await world.field("X");
    await expect(world.engine.dryRun({ items: [{ kind: "custom-fields", id: "cnt_nope" }], targets: { tenants: [tenant, "tnt_nope"] } })).rejects.toThrow(
      expect.objectContaining({ status: 422, extra: { errors: [{ path: "items.0.id", message: "no custom-field with this id" }, { path: "targets.tenants.1", message: "no tenant with this id" }] } }),
    );
    await expect(world.engine.dryRun({ items: [{ kind: "custom-fields", id: field.id }], targets: { tags: ["us"] } })).rejects.toThrow(
      expect.objectContaining({ status: 422, extra: { errors: [{ path: "targets", message: "no tenant matches these targets" }] } }),
    );
  });
});
