import { createMemoryStore } from "@canopy/store";
import { describe, expect, it } from "vitest";
import { holdFlushes } from "../../test/held-flushes.js";
import { FakeContentAgent, PushWorld } from "../../test/push-kit.js";

const toAll = { all: true as const };

/** What a user is shown of the push and of its item: the history, the push's JSON, the item's sync state. */
async function shown(world: PushWorld, pushId: string, itemId: string) {
  const listed = (await world.engine.reads.list({ limit: 10 })).items.find((p) => p.id === pushId);
  const push = JSON.parse(new TextDecoder().decode(await world.engine.reads.jsonBody(pushId))) as { state: string; results: { status: string }[] };
  const sync = await world.syncOf("custom-field", itemId);
  return {
    listed: listed && { state: listed.state, applied: listed.progress.applied, pending: listed.progress.pending },
    push: { state: push.state, results: push.results.map((r) => r.status) },
    sync: { synchronized: sync.synchronized, applied: sync.applied, pending: sync.pending },
  };
}

const pendingShown = {
  listed: { state: "running", applied: 0, pending: 1 },
  push: { state: "running", results: ["pending"] },
  sync: { synchronized: false, applied: 0, pending: 1 },
};

/** A push of one field to one agent whose batch is sent and not answered yet; the store writes only when flushed. */
async function pushAwaitingAck(fault?: () => void) {
  const store = createMemoryStore({ coalesceMs: 60_000, fault });
  const world = new PushWorld({ store });
  const agent = new FakeContentAgent(world, world.tenant("Acme"));
  agent.autoAck = false;
  agent.connect();
  const field = await world.field("Durable");
  const push = await world.engine.push({ items: [{ kind: "custom-fields", id: field.id }], targets: toAll }, "ops@x");
  await world.settle();
  expect(agent.inbox).toHaveLength(1);
  return { store, world, agent, pushId: push.id, itemId: field.id };
}

describe("what users are shown of a push is on disk (issue 10: nothing unpersisted is ever shown as done)", () => {
  it("an acknowledged result shows pending until its write lands, then applied, in the history, the push and the sync state alike", async () => {
    const { store, world, agent, pushId, itemId } = await pushAwaitingAck();
    const flushes = holdFlushes(store);
    agent.answer();
    await world.turn(); // the ack is taken in the tenant's turn; its flush is held
    expect(world.engine.ledger.progress(pushId)).toMatchObject({ applied: 1, pending: 0 });
    expect(flushes.waiting).toBeGreaterThan(0);
    expect(await shown(world, pushId, itemId)).toEqual(pendingShown);

    flushes.release();
    await world.settle();
    expect(await shown(world, pushId, itemId)).toEqual({
      listed: { state: "completed", applied: 1, pending: 0 },
      push: { state: "completed", results: ["applied"] },
      sync: { synchronized: true, applied: 1, pending: 0 },
    });
  });

  it("an acknowledgement whose write fails is never shown applied; once the agent's manifest is written, it is", async () => {
    let failing = false;
    const { store, world, agent, pushId, itemId } = await pushAwaitingAck(() => {
      if (failing) throw Object.assign(new Error("EROFS: read-only file system"), { code: "EROFS" });
    });
    const flushes = holdFlushes(store);
    agent.answer();
    await world.turn();
    expect(await shown(world, pushId, itemId)).toEqual(pendingShown);

    failing = true;
    flushes.release();
    await world.settle();
    // The hub knows the agent applied it, and writes it again with its next write; shown it is not.
    expect(world.engine.ledger.progress(pushId)).toMatchObject({ applied: 1, pending: 0 });
    expect(await shown(world, pushId, itemId)).toEqual(pendingShown);

    // The disk is back; the agent reconnects and its manifest settles what it holds.
    failing = false;
    agent.disconnect();
    agent.connect();
    await world.settle();
    expect((await shown(world, pushId, itemId)).listed).toEqual({ state: "completed", applied: 1, pending: 0 });
  });

  it("counts follow each result shard's writes; a push over many tenants shows exactly what is on disk", async () => {
    const store = createMemoryStore({ coalesceMs: 60_000 });
    const world = new PushWorld({ store });
    const agents = Array.from({ length: 20 }, (_, i) => new FakeContentAgent(world, world.tenant(`T${i}`)));
    for (const agent of agents) {
      agent.autoAck = false;
      agent.connect();
    }
    const fields = [await world.field("A"), await world.field("B")];
    const push = await world.engine.push({ items: fields.map((f) => ({ kind: "custom-fields" as const, id: f.id })), targets: toAll }, "ops@x");
    await world.settle();

    // Half the agents answer and their acks are written; the other half answer while writes are held.
    for (const agent of agents.slice(0, 10)) agent.answer();
    await world.settle();
    const flushes = holdFlushes(store);
    for (const agent of agents.slice(10)) agent.answer();
    await world.turn();
    expect(world.engine.ledger.progress(push.id)).toMatchObject({ total: 40, applied: 40, pending: 0 });
    expect(await world.progress(push.id)).toMatchObject({ total: 40, applied: 20, pending: 20 });
    const statuses = (await world.results(push.id)).map((r) => r.status);
    expect(statuses.filter((s) => s === "applied")).toHaveLength(20);

    flushes.release();
    await world.settle();
    expect(await world.progress(push.id)).toMatchObject({ total: 40, applied: 40, pending: 0 });
    expect((await world.record(push.id)).state).toBe("completed");
  });
});
