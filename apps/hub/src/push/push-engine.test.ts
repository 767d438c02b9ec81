import { describe, expect, it } from "vitest";
import { FakeContentAgent, PushWorld } from "../../test/push-kit.js";
import { itemKey } from "./push-records.js";

const toAll = { all: true as const };
const ref = (id: string) => ({ kind: "custom-fields" as const, id });

function online(world: PushWorld, name: string, tags: string[] = []): FakeContentAgent {
  const agent = new FakeContentAgent(world, world.tenant(name, tags));
  agent.connect();
  return agent;
}

describe("push engine: delivery", () => {
  it("delivers in batches of at most batchItems, with at most four awaiting their ack", async () => {
    const world = new PushWorld({ reconciler: { batchItems: 3 } });
    const agent = online(world, "Acme");
    agent.autoAck = false;
    const fields = [];
    for (let i = 0; i < 14; i++) fields.push(await world.field(`Field ${i}`));
    const push = await world.engine.push({ items: fields.map((f) => ref(f.id)), targets: toAll }, "ops@x");
    await world.turn();

    expect(agent.inbox.map((b) => b.items.length)).toEqual([3, 3, 3, 3]);
    expect(agent.inbox.every((b) => b.pushId === push.id)).toBe(true);
    agent.answer();
    // The next batch is built on the scheduler's next turn, not inside the ack.
    await world.turn();
    expect(agent.inbox.map((b) => b.items.length)).toEqual([3, 3, 3, 2]);
    for (let i = 0; i < 4; i++) agent.answer();
    await world.settle();

    const record = (await world.record(push.id));
    expect(record.state).toBe("completed");
    expect((await world.progress(push.id))).toMatchObject({ total: 14, applied: 14, pending: 0 });
    expect(agent.held.size).toBe(14);
    expect(world.live.at(-1)).toMatchObject({ id: push.id, state: "completed" });
  });

  it("settles what an agent already holds from its manifest, without sending it", async () => {
    const world = new PushWorld();
    const agent = online(world, "Acme");
    const field = await world.field("Known");
    await world.engine.push({ items: [ref(field.id)], targets: toAll }, "ops@x");
    await world.settle();
    const sent = agent.received.length;

    const again = await world.engine.push({ items: [ref(field.id)], targets: toAll }, "ops@x");
    await world.settle();
    expect(agent.received.length).toBe(sent);
    expect((await world.results(again.id)).map((r) => r.status)).toEqual(["unchanged"]);
  });

  it("a dry run predicts create / replace / unchanged, and the push then does exactly that", async () => {
    const world = new PushWorld();
    const agent = online(world, "Acme");
    const a = await world.field("A");
    const b = await world.field("B");
    await world.engine.push({ items: [ref(a.id), ref(b.id)], targets: toAll }, "ops@x");
    await world.settle();
    await world.update("custom-field", b.id, { name: "B", type: "number", appliesTo: "incident" });
    const c = await world.field("C");

    const request = { items: [ref(a.id), ref(b.id), ref(c.id)], targets: toAll };
    const plan = await world.engine.dryRun(request);
    expect(plan.plan.map((p) => `${p.name}:${p.action}`)).toEqual(["A:unchanged", "B:replace", "C:create"]);
    const push = await world.engine.push(request, "ops@x");
    await world.settle();
    expect((await world.results(push.id)).map((r) => `${r.key}:${r.status}`)).toEqual([
      "custom-field:A:unchanged",
      "custom-field:B:applied",
      "custom-field:C:applied",
    ]);
    expect(agent.held.get("custom-field:B")!.revision).toBe(2);
  });

  it("an offline tenant's result stays pending; it is delivered after the agent's next manifest", async () => {
    const world = new PushWorld();
    const up = online(world, "Up");
    const down = new FakeContentAgent(world, world.tenant("Down"));
    const field = await world.field("Later");
    const push = await world.engine.push({ items: [ref(field.id)], targets: toAll }, "ops@x");
    await world.settle();
    expect((await world.record(push.id)).state).toBe("running");
    expect((await world.result(push.id, down.tenantId, "custom-field:Later"))?.status).toBe("pending");
    expect((await world.syncOf("custom-field", field.id))).toMatchObject({ synchronized: false, total: 2, applied: 1, pending: 1 });

    down.connect();
    await world.settle();
    expect((await world.record(push.id)).state).toBe("completed");
    expect((await world.syncOf("custom-field", field.id))).toMatchObject({ synchronized: true, applied: 2 });
    expect(up.received).toHaveLength(1);
  });

  it("a refused item stays failed (not resent on reconnect) and its dependants are skipped, until a retry", async () => {
    const world = new PushWorld({ reconciler: { batchItems: 1 } });
    const agent = online(world, "Acme");
    agent.refuse.add("Rule");
    const rule = await world.create("siem-rule", { title: "Rule", logsource: { product: "x" }, detection: { s: { a: 1 }, condition: "s" }, raw: "title: Rule" });
    const tuning = await world.create("tuning-expression", { name: "Quiet", expression: "a != 1", rules: ["Rule"] });
    const push = await world.engine.push({ items: [{ kind: "tuning-expressions", id: tuning.id }], targets: toAll, options: { includeAssociatedRules: true } }, "ops@x");
    await world.settle();

    const results = async () => Object.fromEntries((await world.results(push.id)).map(({ key, status, error }) => [key, error === undefined ? { status } : { status, error }]));
    expect(await results()).toEqual({
      "siem-rule:Rule": { status: "failed", error: "refused Rule" },
      "tuning-expression:Quiet": { status: "skipped", error: "skipped: depends on siem-rule Rule, which failed" },
    });
    // The dependant never left the hub: its dependency failed in an earlier batch.
    expect(agent.received.flatMap((b) => b.items.map((i) => i.name))).toEqual(["Rule"]);
    expect((await world.record(push.id)).state).toBe("completed_with_errors");
    expect(await world.engine.sync.detail("siem-rule", rule.id)).toEqual([{ tenantId: agent.tenantId, tenantName: "Acme", state: "failed", revision: 1, error: "refused Rule" }]);

    agent.disconnect();
    agent.connect();
    await world.settle();
    expect(agent.received).toHaveLength(1);

    agent.refuse.clear();
    expect(await world.engine.control.retry(push.id, "ops@x")).toBe(2);
    await world.settle();
    expect(Object.values(await results()).map((r) => r.status)).toEqual(["applied", "applied"]);
    expect((await world.record(push.id)).state).toBe("completed");
    await expect(world.engine.control.retry(push.id, "ops@x")).rejects.toMatchObject({ status: 409, code: "nothing_to_retry" });
  });

  it("stop: undelivered results are stopped and the item goes back to its previous desired state", async () => {
    const world = new PushWorld();
    const agent = online(world, "Acme");
    const field = await world.field("Versioned");
    await world.engine.push({ items: [ref(field.id)], targets: toAll }, "ops@x");
    await world.settle();
    agent.disconnect();
    await world.update("custom-field", field.id, { name: "Versioned", type: "number", appliesTo: "incident" });
    const push = await world.engine.push({ items: [ref(field.id)], targets: toAll }, "ops@x");
    expect((await world.desired(agent.tenantId, "custom-field:Versioned"))!.revision).toBe(2);

    const stopped = await world.engine.control.stop(push.id, "lead@x");
    expect(stopped).toMatchObject({ state: "stopped", stoppedBy: "lead@x" });
    expect((await world.result(push.id, agent.tenantId, "custom-field:Versioned"))).toEqual({ status: "stopped", error: "stopped by lead@x" });
    expect((await world.desired(agent.tenantId, "custom-field:Versioned"))!.revision).toBe(1);
    await expect(world.engine.control.stop(push.id, "lead@x")).rejects.toMatchObject({ status: 409 });

    agent.connect();
    await world.settle();
    expect(agent.received).toHaveLength(1);
    expect(agent.held.get("custom-field:Versioned")!.revision).toBe(1);
  });

  it("a newer push of the same item supersedes an older one's undelivered result", async () => {
    const world = new PushWorld();
    const agent = new FakeContentAgent(world, world.tenant("Acme"));
    const field = await world.field("Twice");
    const first = await world.engine.push({ items: [ref(field.id)], targets: toAll }, "ops@x");
    const second = await world.engine.push({ items: [ref(field.id)], targets: toAll }, "ops@x");
    expect((await world.result(first.id, agent.tenantId, "custom-field:Twice"))).toEqual({ status: "stopped", error: `superseded by push ${second.id}` });
    expect((await world.record(first.id)).state).toBe("completed");
    agent.connect();
    await world.settle();
    expect((await world.result(second.id, agent.tenantId, "custom-field:Twice"))?.status).toBe("applied");
  });

  it("rollback puts an earlier revision back; the item is then not synchronized", async () => {
    const world = new PushWorld();
    const agents = [online(world, "One"), online(world, "Two")];
    const v1 = await world.field("Rolled");
    await world.engine.push({ items: [ref(v1.id)], targets: toAll }, "ops@x");
    const v2 = await world.update("custom-field", v1.id, { name: "Rolled", type: "number", appliesTo: "incident" });
    await world.engine.push({ items: [ref(v1.id)], targets: toAll }, "ops@x");
    await world.settle();
    expect((await world.syncOf("custom-field", v1.id))).toMatchObject({ synchronized: true, applied: 2 });

    const rollback = await world.engine.rollback("custom-fields", v1.id, { revision: 1, tenants: [agents[0]!.tenantId] }, "ops@x");
    await world.settle();
    expect((await world.record(rollback.id))).toMatchObject({ type: "rollback", state: "completed" });
    expect(agents[0]!.held.get("custom-field:Rolled")).toMatchObject({ revision: 1, hash: v1.hash });
    expect(agents[1]!.held.get("custom-field:Rolled")).toMatchObject({ revision: 2, hash: v2.hash });
    expect((await world.syncOf("custom-field", v1.id))).toMatchObject({ synchronized: false, applied: 2 });
    expect((await world.engine.sync.detail("custom-field", v1.id)).map((t) => t.revision)).toEqual([1, 2]);

    await world.engine.rollback("custom-fields", v1.id, { revision: 1 }, "ops@x");
    await world.settle();
    expect(agents[1]!.held.get(itemKey("custom-field", "Rolled"))!.revision).toBe(1);
    await expect(world.engine.rollback("custom-fields", v1.id, { revision: 9 }, "ops@x")).rejects.toMatchObject({ status: 404 });
    const unpushed = await world.field("Nowhere");
    await expect(world.engine.rollback("custom-fields", unpushed.id, { revision: 1 }, "ops@x")).rejects.toMatchObject({ status: 409, code: "not_pushed" });
  });

  it("progress is announced only once it is on disk", async () => {
    const world = new PushWorld();
    online(world, "Acme");
    // Connected and its manifest taken: from here on, every write is the push's.
    await world.settle();
    let release: () => void = () => {};
    const flush = world.store.flush.bind(world.store);
    world.store.flush = () => new Promise<void>((resolve) => (release = () => void flush().then(resolve)));
    const pushing = world.engine.push({ items: [ref((await world.field("Slow")).id)], targets: toAll }, "ops@x");
    await new Promise((resolve) => setImmediate(resolve));
    expect(world.live).toEqual([]);
    release();
    const push = await pushing;
    // The agent's ack is in; its flush is held too.
    await new Promise((resolve) => setImmediate(resolve));
    expect(world.live.some((e) => e.state === "completed")).toBe(false);
    for (let i = 0; i < 5; i++) {
      release();
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(world.live.at(-1)).toMatchObject({ id: push.id, state: "completed" });
  });
});
