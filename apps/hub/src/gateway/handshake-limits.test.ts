import { CloseCode, encodeMessage } from "@canopy/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { FakeAgent, pairThroughApi, type PairedIdentity } from "../../test/fake-agent.js";
import { createTestHub, login, type TestHub } from "../../test/helpers.js";
import type { HubServices } from "../services.js";
import type { AgentBudgets } from "./agent-budgets.js";

describe("before the handshake (in memory, no sockets)", () => {
  let t: TestHub;
  let hub: HubServices;
  let alice: PairedIdentity;

  async function start(agentBudgets: Partial<AgentBudgets> = {}) {
    t = await createTestHub({ agentBudgets });
    hub = await t.hub.services();
    const admin = await login(t.hub);
    alice = await pairThroughApi(t.hub, admin, (await admin.post("/tenants", { name: "Alice" })).body.id);
  }

  afterEach(() => t.hub.close());

  it("closes 4000 on a frame of an unknown type before hello (only a valid hello may come first)", async () => {
    await start();
    const agent = new FakeAgent(hub);
    agent.sendRaw(encodeMessage({ type: "teleport.now", id: "t1" }));
    expect(agent.connection.last("error")).toMatchObject({ code: "unknown_type" });
    expect(agent.connection.closedWith?.code).toBe(CloseCode.protocolError);
  });

  it("refuses a frame bigger than bytesBeforeHello before hello without decoding it (frame_too_large, 4000)", async () => {
    await start({ bytesBeforeHello: 1024 });
    const agent = new FakeAgent(hub);
    await agent.hello(alice.agentId, alice.privateKey, { capabilities: Array.from({ length: 40 }, (_, i) => `capability-${i}`.padEnd(60, "x")) });
    expect(agent.connection.last("error")).toMatchObject({ code: "frame_too_large", message: "more than 1024 bytes before a valid hello" });
    expect(agent.connection.closedWith?.code).toBe(CloseCode.protocolError);
    expect(agent.connection.last("welcome")).toBeUndefined();
  });

  it("refuses a connection from an address that already has unauthenticatedPerAddress handshakes open (rate_limited, 4503 busy: a fleet behind one address comes back in seconds)", async () => {
    await start({ unauthenticatedPerAddress: 2 });
    const waiting = [new FakeAgent(hub, "203.0.113.9"), new FakeAgent(hub, "203.0.113.9")];
    const refused = new FakeAgent(hub, "203.0.113.9");
    expect(refused.connection.sent).toEqual([expect.objectContaining({ type: "error", code: "rate_limited" })]);
    expect(refused.connection.closedWith?.code).toBe(CloseCode.busy);
    refused.dropped(CloseCode.busy);

    // Other addresses are not affected.
    expect(new FakeAgent(hub, "198.51.100.20").connection.sent[0]?.type).toBe("hello.challenge");
    // A finished handshake frees its slot.
    await waiting[0]!.hello(alice.agentId, alice.privateKey);
    expect(waiting[0]!.connection.last("welcome")).toBeDefined();
    expect(new FakeAgent(hub, "203.0.113.9").connection.sent[0]?.type).toBe("hello.challenge");
    // So does one that went away.
    waiting[1]!.dropped();
    expect(new FakeAgent(hub, "203.0.113.9").connection.closedWith).toBeUndefined();
    expect(new FakeAgent(hub, "203.0.113.9").connection.closedWith?.code).toBe(CloseCode.busy);
  });

  it("sheds a reconnect storm: past handshakesInProgress from any addresses, one more is refused at once as busy (4503), not queued", async () => {
    await start({ handshakesInProgress: 3 });
    const waiting = ["192.0.2.1", "192.0.2.2", "192.0.2.3"].map((address) => new FakeAgent(hub, address));
    for (const agent of waiting) expect(agent.connection.sent[0]?.type).toBe("hello.challenge");
    expect(hub.gateway.handshakesInProgress).toBe(3);

    // A fourth, from a fresh address: no challenge (nothing signed), refused at once with the code the agent reads as "come back shortly".
    const shed = new FakeAgent(hub, "192.0.2.4");
    expect(shed.connection.sent).toEqual([expect.objectContaining({ type: "error", code: "rate_limited" })]);
    expect(shed.connection.closedWith?.code).toBe(CloseCode.busy);
    shed.dropped(CloseCode.busy);
    expect(hub.gateway.handshakesInProgress).toBe(3);

    // A welcomed agent frees its slot at once, and so does one that went away.
    await waiting[0]!.hello(alice.agentId, alice.privateKey);
    expect(waiting[0]!.connection.last("welcome")).toBeDefined();
    expect(new FakeAgent(hub, "192.0.2.4").connection.sent[0]?.type).toBe("hello.challenge");
    waiting[1]!.dropped();
    expect(new FakeAgent(hub, "192.0.2.5").connection.sent[0]?.type).toBe("hello.challenge");
    expect(new FakeAgent(hub, "192.0.2.6").connection.closedWith?.code).toBe(CloseCode.busy);
    expect(hub.gateway.handshakesInProgress).toBe(3);
  });
});
