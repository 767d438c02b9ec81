import { createSecretKey, randomBytes } from "node:crypto";
import { decodeHubFrame, encodeHubPayload, FrameMac, generateKeyPair, importPublicKey, loadPrivateKey, type HubToAgent } from "@canopy/protocol";
import type * as Protocol from "@canopy/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeContentAgent, PushWorld } from "../../test/push-kit.js";
import { createFrameSealer } from "../gateway/frame-sealer.js";
import { EncodedBatches } from "./encoded-batches.js";

vi.mock("@canopy/protocol", async (importOriginal) => {
  const actual = await importOriginal<typeof Protocol>();
  return { ...actual, encodeHubPayload: vi.fn(actual.encodeHubPayload) };
});

const encodes = vi.mocked(encodeHubPayload);
const ping: HubToAgent = { type: "ping", id: "p", sentAt: 0 };

/** The hub's side of one connection with a session key, past its welcome: what `WsConnection` seals with. */
function sessionSealer(hub: ReturnType<typeof generateKeyPair>, nonce: string) {
  const key = createSecretKey(randomBytes(32));
  const sealer = createFrameSealer(loadPrivateKey(hub.privateKeyPem));
  sealer.seal({ type: "hello.challenge", nonce, protocolVersion: 1, hubTime: 0 });
  sealer.macAfterWelcome!(key);
  sealer.seal({ type: "welcome", sessionId: "s", agentId: "agt_abcdefgh", tenantId: "tnt_abcdefgh", tenantName: "T", heartbeatMs: 1000, frameAuth: "session-mac" });
  // The agent's side of the same connection, past the same welcome.
  return { sealer, agent: new FrameMac(key) };
}

describe("a broadcast encoded once", () => {
  afterEach(() => encodes.mockClear());

  it("two agents sent the same batch cost one encode, under one batch id, and each verifies it on its own connection", async () => {
    const world = new PushWorld();
    const agents = ["Acme", "Globex"].map((name) => {
      const agent = new FakeContentAgent(world, world.tenant(name));
      agent.autoAck = false;
      agent.connect();
      return agent;
    });
    const field = await world.field("Severity");
    encodes.mockClear();
    await world.engine.push({ items: [{ kind: "custom-fields", id: field.id }], targets: { all: true } }, "ops@x");
    await world.turn();

    const [acme, globex] = agents as [FakeContentAgent, FakeContentAgent];
    expect(acme.received).toHaveLength(1);
    expect(globex.received).toHaveLength(1);
    expect(encodes).toHaveBeenCalledTimes(1);
    expect(globex.received[0]!.batchId).toBe(acme.received[0]!.batchId);
    expect(globex.payloads[0]).toBe(acme.payloads[0]);

    const hub = generateKeyPair();
    const hubKey = importPublicKey(hub.publicKey);
    const connections = [sessionSealer(hub, "a".repeat(43)), sessionSealer(hub, "b".repeat(43))];
    const frames = agents.map((agent, i) => connections[i]!.sealer.seal({ type: "content.apply", ...agent.received[0]! }, agent.payloads[0]));
    for (const [i, agent] of agents.entries()) {
      expect(decodeHubFrame(frames[i]!, hubKey, "", connections[i]!.agent)).toEqual({ ok: true, message: { type: "content.apply", ...agent.received[0]! } });
    }
    // Sealed per connection: Acme's frame is no good on Globex's.
    const crossed = decodeHubFrame(frames[0]!, hubKey, "", new FrameMac(createSecretKey(randomBytes(32))));
    expect(crossed.ok).toBe(false);

    for (const agent of agents) agent.answer();
    await world.settle();
    expect(agents.map((agent) => agent.held.size)).toEqual([1, 1]);
  });

  it("an agent from before session keys gets the same bytes signed, and decodes the same message", () => {
    const hub = generateKeyPair();
    const sealer = createFrameSealer(loadPrivateKey(hub.privateKeyPem));
    sealer.seal({ type: "hello.challenge", nonce: "c".repeat(43), protocolVersion: 1, hubTime: 0 });
    const frame = sealer.seal(ping, encodeHubPayload(ping));
    expect(decodeHubFrame(frame, importPublicKey(hub.publicKey), "c".repeat(43))).toEqual({ ok: true, message: ping });
  });

  it("keeps at most maxEntries batches, the oldest going first, and forgets a settled push's batches", () => {
    const live = new Set(["push-a", "push-b"]);
    const batches = new EncodedBatches({ live: (pushId) => live.has(pushId), maxEntries: 2 });
    const make = (id: string) => () => ({ id, message: ping });
    batches.take("a1", "push-a", make("1"));
    batches.take("a2", "push-a", make("2"));
    expect(batches.take("a1", "push-a", make("x")).id).toBe("1");
    batches.take("a3", "push-a", make("3"));
    expect(batches.size).toBe(2);
    expect(batches.take("a1", "push-a", make("4")).id).toBe("4");
    live.delete("push-a");
    batches.take("b1", "push-b", make("5"));
    expect(batches.size).toBe(1);
  });
});
