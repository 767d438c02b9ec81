import { describe, expect, it } from "vitest";
import { FakeContentAgent, PushWorld } from "../../test/push-kit.js";
import { decide, REMOVAL_UNSUPPORTED, type DecisionInput } from "./delivery-decision.js";
import type { DesiredEntry, ReportedEntry } from "./push-records.js";

const toAll = { all: true as const };
const ref = (id: string) => ({ kind: "custom-fields" as const, id });
const FIELD = (name: string) => ({ name, type: "text", appliesTo: "incident" });

function online(world: PushWorld, name: string): FakeContentAgent {
  const agent = new FakeContentAgent(world, world.tenant(name));
  agent.connect();
  return agent;
}

/** Deletes the item from the catalogue and withdraws it, as `DELETE /content/{kind}/{id}` does. */
async function deleteItem(world: PushWorld, id: string) {
  await world.catalogue.remove(world.content, "custom-field", id);
  return world.engine.withdraw(id, "ops@x");
}

async function outcomes(world: PushWorld, pushId: string) {
  const plan = await world.data.pushes.plan(pushId);
  const removals = new Set(plan!.items.filter((item) => item.remove).map((item) => item.key));
  return (await world.results(pushId)).map((r) => `${r.tenantId}:${r.key}:${removals.has(r.key) ? "remove " : ""}${r.status}`).sort();
}

describe("content removal: the hub's desired state and delivery", () => {
  it("an item deleted from the catalogue is removed from every tenant that holds it, in a push whose history shows each tenant's outcome", async () => {
    const world = new PushWorld();
    const acme = online(world, "Acme");
    const globex = online(world, "Globex");
    const field = await world.field("Severity");
    const other = await world.field("Other");
    await world.engine.push({ items: [ref(field.id)], targets: toAll }, "ops@x");
    await world.engine.push({ items: [ref(other.id)], targets: { tenants: [acme.tenantId] } }, "ops@x");
    await world.settle();

    const removal = (await deleteItem(world, field.id))!;
    await world.settle();
    expect(removal).toMatchObject({ title: "remove Severity", createdBy: "ops@x", itemCount: 1, tenantCount: 2 });
    expect(await outcomes(world, removal.id)).toEqual([`${acme.tenantId}:custom-field:Severity:remove applied`, `${globex.tenantId}:custom-field:Severity:remove applied`].sort());
    expect((await world.record(removal.id)).state).toBe("completed");
    expect([...acme.held.keys()]).toEqual(["custom-field:Other"]);
    expect([...globex.held.keys()]).toEqual([]);
    // The agents were sent a removal, without a body.
    expect(acme.received.at(-1)!.items).toEqual([{ kind: "custom-field", name: "Severity", revision: 1, hash: field.hash, body: null, dependsOn: [], remove: true }]);
    // The desired state keeps a tombstone (no catalogue item's target); the reported state is empty for it.
    expect(await world.desired(acme.tenantId, "custom-field:Severity")).toMatchObject({ remove: true, itemId: "", pushId: removal.id, hash: field.hash });
    expect(await world.reported(acme.tenantId, "custom-field:Severity")).toBeUndefined();
    expect(await world.data.tenantStates.targets(field.id)).toEqual([]);
  });

  it("deleting an item no tenant holds makes no push", async () => {
    const world = new PushWorld();
    online(world, "Acme");
    const field = await world.field("Never pushed");
    expect(await deleteItem(world, field.id)).toBeUndefined();
    expect(await world.data.pushes.inStates(["running", "completed", "completed_with_errors", "stopped"])).toEqual([]);
  });

  it("a renamed item is removed under its old name by the push of its new name; a tenant that never held it has nothing to remove", async () => {
    const world = new PushWorld();
    const acme = online(world, "Acme");
    const field = await world.field("Old name");
    await world.engine.push({ items: [ref(field.id)], targets: toAll }, "ops@x");
    await world.settle();
    const fresh = online(world, "Fresh");
    await world.update("custom-field", field.id, FIELD("New name"));

    const push = await world.engine.push({ items: [ref(field.id)], targets: toAll }, "ops@x");
    await world.settle();
    expect([...acme.held.keys()]).toEqual(["custom-field:New name"]);
    expect([...fresh.held.keys()]).toEqual(["custom-field:New name"]);
    expect(await outcomes(world, push.id)).toEqual(
      [
        `${acme.tenantId}:custom-field:New name:applied`,
        `${acme.tenantId}:custom-field:Old name:remove applied`,
        `${fresh.tenantId}:custom-field:New name:applied`,
        `${fresh.tenantId}:custom-field:Old name:remove unchanged`,
      ].sort(),
    );
    expect(await world.record(push.id)).toMatchObject({ title: "New name and 1 more", itemCount: 2, state: "completed" });
    // The item's sync state counts its new name only.
    expect(await world.syncOf("custom-field", field.id)).toMatchObject({ synchronized: true, total: 2, applied: 2 });
  });

  it("a rollback to a revision of an older name removes the current name", async () => {
    const world = new PushWorld();
    const agent = online(world, "Acme");
    const field = await world.field("First name");
    await world.engine.push({ items: [ref(field.id)], targets: toAll }, "ops@x");
    await world.settle();
    await world.update("custom-field", field.id, FIELD("Second name"));
    await world.engine.push({ items: [ref(field.id)], targets: toAll }, "ops@x");
    await world.settle();
    expect([...agent.held.keys()]).toEqual(["custom-field:Second name"]);

    const rollback = await world.engine.rollback("custom-fields", field.id, { revision: 1 }, "ops@x");
    await world.settle();
    expect([...agent.held.keys()]).toEqual(["custom-field:First name"]);
    expect(await outcomes(world, rollback.id)).toEqual([`${agent.tenantId}:custom-field:First name:applied`, `${agent.tenantId}:custom-field:Second name:remove applied`]);
  });

  it("an agent offline during the removal has it removed after its next manifest", async () => {
    const world = new PushWorld();
    const up = online(world, "Up");
    const down = online(world, "Down");
    const field = await world.field("Severity");
    await world.engine.push({ items: [ref(field.id)], targets: toAll }, "ops@x");
    await world.settle();
    down.disconnect();

    const removal = (await deleteItem(world, field.id))!;
    await world.settle();
    expect((await world.record(removal.id)).state).toBe("running");
    expect((await world.result(removal.id, down.tenantId, "custom-field:Severity"))?.status).toBe("pending");
    expect(down.held.has("custom-field:Severity")).toBe(true);
    expect(up.held.has("custom-field:Severity")).toBe(false);

    down.connect();
    await world.settle();
    expect(down.held.has("custom-field:Severity")).toBe(false);
    expect((await world.result(removal.id, down.tenantId, "custom-field:Severity"))?.status).toBe("applied");
    expect((await world.record(removal.id)).state).toBe("completed");
  });

  it("an agent that comes back holding a removed item again (restored from a backup) has it removed again, and the push's result stays", async () => {
    const world = new PushWorld();
    const agent = online(world, "Acme");
    const field = await world.field("Severity");
    await world.engine.push({ items: [ref(field.id)], targets: toAll }, "ops@x");
    await world.settle();
    const held = agent.held.get("custom-field:Severity")!;
    const removal = (await deleteItem(world, field.id))!;
    await world.settle();

    agent.disconnect();
    agent.held.set("custom-field:Severity", held);
    agent.connect();
    await world.settle();
    expect(agent.held.has("custom-field:Severity")).toBe(false);
    expect(agent.received.filter((batch) => batch.items.some((item) => item.remove))).toHaveLength(2);
    expect((await world.result(removal.id, agent.tenantId, "custom-field:Severity"))?.status).toBe("applied");
  });

  it("an item removed and then pushed again (a new item of the same name) is delivered again", async () => {
    const world = new PushWorld();
    const agent = online(world, "Acme");
    const first = await world.field("Severity");
    await world.engine.push({ items: [ref(first.id)], targets: toAll }, "ops@x");
    await world.settle();
    await deleteItem(world, first.id);
    await world.settle();
    expect(agent.held.has("custom-field:Severity")).toBe(false);

    const second = await world.field("Severity", { type: "number" });
    const push = await world.engine.push({ items: [ref(second.id)], targets: toAll }, "ops@x");
    await world.settle();
    expect(agent.held.get("custom-field:Severity")).toMatchObject({ hash: second.hash, pushId: push.id });
    expect(await world.desired(agent.tenantId, "custom-field:Severity")).toMatchObject({ itemId: second.id, hash: second.hash });
    expect((await world.desired(agent.tenantId, "custom-field:Severity"))!.remove).toBeUndefined();
    // And the reconnect after that does not remove it.
    agent.disconnect();
    agent.connect();
    await world.settle();
    expect(agent.held.has("custom-field:Severity")).toBe(true);
  });

  it("a removal the agent refuses fails with its reason, is not resent on reconnect, and goes through on a retry", async () => {
    const world = new PushWorld();
    const agent = online(world, "Acme");
    const field = await world.field("Severity");
    await world.engine.push({ items: [ref(field.id)], targets: toAll }, "ops@x");
    await world.settle();
    agent.refuse.add("Severity");

    const removal = (await deleteItem(world, field.id))!;
    await world.settle();
    expect(await world.result(removal.id, agent.tenantId, "custom-field:Severity")).toEqual({ status: "failed", error: "could not delete Severity" });
    expect((await world.record(removal.id)).state).toBe("completed_with_errors");
    const sent = agent.received.length;
    agent.disconnect();
    agent.connect();
    await world.settle();
    expect(agent.received).toHaveLength(sent);

    agent.refuse.clear();
    expect(await world.engine.control.retry(removal.id, "ops@x")).toBe(1);
    await world.settle();
    expect(agent.held.has("custom-field:Severity")).toBe(false);
    expect((await world.record(removal.id)).state).toBe("completed");
  });

  it("an agent of an earlier version, which cannot remove, is not sent the removal: the result fails saying why", async () => {
    const world = new PushWorld();
    const agent = new FakeContentAgent(world, world.tenant("Old agent"));
    agent.removes = false;
    agent.connect();
    const field = await world.field("Severity");
    await world.engine.push({ items: [ref(field.id)], targets: toAll }, "ops@x");
    await world.settle();
    const sent = agent.received.length;

    const removal = (await deleteItem(world, field.id))!;
    await world.settle();
    expect(agent.received).toHaveLength(sent);
    expect(await world.result(removal.id, agent.tenantId, "custom-field:Severity")).toEqual({ status: "failed", error: REMOVAL_UNSUPPORTED });
  });

  it("a stopped removal puts the item back in the desired state", async () => {
    const world = new PushWorld();
    const agent = online(world, "Acme");
    const field = await world.field("Severity");
    await world.engine.push({ items: [ref(field.id)], targets: toAll }, "ops@x");
    await world.settle();
    agent.disconnect();
    const removal = (await deleteItem(world, field.id))!;
    await world.engine.control.stop(removal.id, "lead@x");
    await world.settle();
    expect(await world.desired(agent.tenantId, "custom-field:Severity")).toMatchObject({ itemId: field.id, hash: field.hash });
    agent.connect();
    await world.settle();
    expect(agent.held.has("custom-field:Severity")).toBe(true);
  });

  it("survives a hub restart: a removal decided before it is delivered after", async () => {
    const world = new PushWorld();
    const agent = online(world, "Acme");
    const field = await world.field("Severity");
    await world.engine.push({ items: [ref(field.id)], targets: toAll }, "ops@x");
    await world.settle();
    agent.disconnect();
    const removal = (await deleteItem(world, field.id))!;
    await world.settle();
    await world.restart();
    agent.connect();
    await world.settle();
    expect(agent.held.has("custom-field:Severity")).toBe(false);
    expect((await world.record(removal.id)).state).toBe("completed");
  });
});

describe("decide: removals", () => {
  const tombstone: DesiredEntry = {
    id: "custom-field:A",
    kind: "custom-field",
    name: "A",
    itemId: "",
    revision: 2,
    hash: "h2",
    pushId: "p3",
    options: { scheduledSearches: "include", scheduledReports: "include" },
    dependsOn: [],
    remove: true,
    previous: null,
  };
  const held = (extra: Partial<ReportedEntry> = {}): ReportedEntry => ({ id: "custom-field:A", hash: "h2", revision: 2, pushId: "p2", drifted: false, ...extra });
  const input = (extra: Partial<DecisionInput>): DecisionInput => ({
    desired: tombstone,
    reported: held(),
    result: { status: "pending" },
    inFlightHash: undefined,
    dependency: () => ({ result: undefined, inFlight: false, inBatch: false }),
    ...extra,
  });

  it("sends a pending removal whatever the agent holds under the name, drifted or another revision", () => {
    expect(decide(input({}))).toEqual({ type: "send", entry: tombstone });
    expect(decide(input({ reported: held({ hash: "h1", drifted: true }) }))).toEqual({ type: "send", entry: tombstone });
  });

  it("settles a pending removal as unchanged when nothing is held, and drops one in flight", () => {
    expect(decide(input({ reported: undefined }))).toEqual({ type: "resolve", pushId: "p3", status: "unchanged" });
    expect(decide(input({ reported: held({ hash: null, failedHash: "h9" }) }))).toEqual({ type: "resolve", pushId: "p3", status: "unchanged" });
    expect(decide(input({ inFlightHash: "h2" }))).toEqual({ type: "drop" });
  });

  it("without a pending result converges (removes again) but leaves a refusal and a local change alone", () => {
    const settled = { result: { status: "applied" as const } };
    expect(decide(input({ ...settled }))).toEqual({ type: "send", entry: tombstone });
    expect(decide(input({ ...settled, reported: held({ failedHash: "remove:h2" }) }))).toEqual({ type: "drop" });
    expect(decide(input({ ...settled, reported: held({ drifted: true }) }))).toEqual({ type: "drop" });
    expect(decide(input({ ...settled, reported: undefined }))).toEqual({ type: "drop" });
  });

  it("fails a pending removal for an agent that cannot remove; later ones are dropped", () => {
    expect(decide(input({ removes: false }))).toEqual({ type: "resolve", pushId: "p3", status: "failed", error: REMOVAL_UNSUPPORTED });
    expect(decide(input({ removes: false, result: { status: "failed" } }))).toEqual({ type: "drop" });
  });
});
