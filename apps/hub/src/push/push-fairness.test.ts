import { describe, expect, it } from "vitest";
import { FakeContentAgent, PushWorld } from "../../test/push-kit.js";
import type { PushRecord } from "./push-records.js";

const toAll = { all: true as const };
async function fieldRefs(world: PushWorld, count: number) {
  const refs: { kind: "custom-fields"; id: string }[] = [];
  for (let i = 0; i < count; i++) refs.push({ kind: "custom-fields", id: (await world.field(`F${i}`)).id });
  return refs;
}

/** Counts turns of the event loop until `done` settles: what a ping or a socket read would get meanwhile. */
async function turnsWhile(done: Promise<unknown>): Promise<number> {
  let settled = false;
  void done.finally(() => (settled = true));
  let turns = 0;
  while (!settled) {
    await new Promise((resolve) => setImmediate(resolve));
    turns++;
  }
  return turns;
}

describe("push engine: fairness", () => {
  it("builds batches for many tenants one at a time, tenants taking turns, with the event loop in between", async () => {
    // A 0 ms slice: one batch per turn of the event loop.
    const world = new PushWorld({ reconciler: { batchItems: 2, sliceMs: 0 } });
    const agents = ["A", "B", "C"].map((name) => new FakeContentAgent(world, world.tenant(name)));
    const order: string[] = [];
    for (const agent of agents) {
      agent.autoAck = false;
      agent.connect();
      const apply = agent.apply.bind(agent);
      agent.apply = (batch) => {
        order.push(agent.tenantId);
        return apply(batch);
      };
    }
    await world.engine.push({ items: await fieldRefs(world, 4), targets: toAll }, "ops@x");
    const [a, b, c] = agents.map((agent) => agent.tenantId);
    const sent = new Promise<void>((resolve) => {
      const check = () => (order.length === 6 ? resolve() : setImmediate(check));
      check();
    });
    expect(await turnsWhile(sent)).toBeGreaterThanOrEqual(5);
    // Each tenant once per round, the rounds in the same order (which tenant goes first follows the store's order).
    expect([...order.slice(0, 3)].sort()).toEqual([a, b, c].sort());
    expect(order.slice(3)).toEqual(order.slice(0, 3));
  });

  it("writes a push's desired state in slices: the event loop runs while a push to many tenants is being made", async () => {
    const world = new PushWorld({ reconciler: { sliceMs: 0 } });
    for (let i = 0; i < 20; i++) world.tenant(`T${i}`);
    const push = world.engine.push({ items: await fieldRefs(world, 50), targets: toAll }, "ops@x");
    expect(await turnsWhile(push)).toBeGreaterThanOrEqual(20);
    const record = await push;
    expect((await world.progress(record.id))).toMatchObject({ total: 1000, pending: 1000 });
  });

  it("leaves out a tenant deleted while the push was being made, and still completes", async () => {
    const world = new PushWorld({ reconciler: { sliceMs: 0 } });
    const kept = new FakeContentAgent(world, world.tenant("Kept"));
    kept.connect();
    const gone = world.tenant("Gone");
    const making = world.engine.push({ items: await fieldRefs(world, 3), targets: toAll }, "ops@x");
    await new Promise((resolve) => setImmediate(resolve));
    await world.tenants.delete(gone);
    world.engine.control.tenantDeleted(gone);
    const push = await making;
    await world.settle();
    expect((await world.data.pushes.plan(push.id))!.tenantIds).toEqual([kept.tenantId]);
    expect((await world.record(push.id)).state).toBe("completed");
    expect(await world.desiredEntries(gone)).toEqual([]);
  });

  it("makes pushes one at a time: the later of two pushes made at once is what every tenant should hold", async () => {
    const world = new PushWorld({ reconciler: { sliceMs: 0 } });
    for (let i = 0; i < 10; i++) world.tenant(`T${i}`);
    const refs = await fieldRefs(world, 5);
    const [first, second] = await Promise.all([world.engine.push({ items: refs, targets: toAll }, "ops@x"), world.engine.push({ items: refs, targets: toAll }, "ops@x")]);
    for (const tenant of await world.tenants.all()) {
      expect((await world.desiredEntries(tenant.id)).map((entry) => entry.pushId)).toEqual(Array(5).fill(second!.id));
    }
    const superseded = (await world.results(first!.id)).map((result) => result);
    expect(superseded.every((entry) => entry.status === "stopped")).toBe(true);
    expect(((await world.record(second!.id)) as PushRecord).progress.pending).toBe(50);
  });
});
