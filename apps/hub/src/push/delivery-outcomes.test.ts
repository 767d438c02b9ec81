import { describe, expect, it } from "vitest";
import { FakeContentAgent, PushWorld } from "../../test/push-kit.js";

const toAll = { all: true as const };
const KEY = "custom-field:Versioned";

/** Revision 1 applied on one agent, then a push of revision 2 stopped while its batch is on its way. */
async function stoppedInFlight() {
  const world = new PushWorld();
  const agent = new FakeContentAgent(world, world.tenant("Acme"));
  agent.connect();
  const field = await world.field("Versioned");
  const first = await world.engine.push({ items: [{ kind: "custom-fields", id: field.id }], targets: toAll }, "ops@x");
  await world.settle();
  agent.autoAck = false;
  await world.update("custom-field", field.id, { name: "Versioned", type: "number", appliesTo: "incident" });
  const second = await world.engine.push({ items: [{ kind: "custom-fields", id: field.id }], targets: toAll }, "ops@x");
  await world.turn();
  expect(agent.inbox).toHaveLength(1);
  await world.engine.control.stop(second.id, "lead@x");
  // On its way: the item keeps the stopped push's value until the agent's answer (or its loss) says what happened.
  expect(await world.desired(agent.tenantId, KEY)).toMatchObject({ pushId: second.id, revision: 2 });
  const result = () => world.result(second.id, agent.tenantId, KEY);
  expect(await result()).toEqual({ status: "stopped", error: "stopped by lead@x" });
  return { world, agent, first, second, result };
}

describe("delivery outcomes: a push stopped while its batch is in flight", () => {
  it("an agent that applied it anyway: the result says applied and the item stays desired", async () => {
    const { world, agent, second, result } = await stoppedInFlight();
    agent.answer();
    await world.settle();
    expect(await result()).toEqual({ status: "applied" });
    expect(await world.desired(agent.tenantId, KEY)).toMatchObject({ pushId: second.id, revision: 2 });
    expect((await world.record(second.id))).toMatchObject({ state: "stopped", progress: { applied: 1, stopped: 0 } });
  });

  it("an agent that refused it: the result says failed and the item goes back to its previous desired state", async () => {
    const { world, agent, first, result } = await stoppedInFlight();
    agent.refuse.add("Versioned");
    agent.answer();
    await world.settle();
    expect(await result()).toEqual({ status: "failed", error: "refused Versioned" });
    expect(await world.desired(agent.tenantId, KEY)).toMatchObject({ pushId: first.id, revision: 1 });
  });

  it("a batch lost with the connection: the result stays stopped, the item goes back, and nothing is resent", async () => {
    const { world, agent, first, result } = await stoppedInFlight();
    agent.disconnect();
    await world.settle();
    expect(await result()).toEqual({ status: "stopped", error: "stopped by lead@x" });
    expect(await world.desired(agent.tenantId, KEY)).toMatchObject({ pushId: first.id, revision: 1 });
    agent.autoAck = true;
    agent.connect();
    await world.settle();
    // The agent still holds revision 1, which is what is desired again.
    expect(agent.received).toHaveLength(2);
    expect(agent.held.get(KEY)).toMatchObject({ revision: 1, pushId: first.id });
  });
});
