import { encodeMessage, MAX_AGENT_FRAME_BYTES } from "@canopy/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawAgent, readAgentCredentials, type AgentCredentials } from "../harness/raw-agent.js";
import { Scenario, type PairedAgent } from "../harness/scenario.js";

describe("bad frames", () => {
  let scenario: Scenario;
  let bystander: PairedAgent;
  let victim: PairedAgent;
  let credentials: AgentCredentials;

  beforeAll(async () => {
    scenario = await Scenario.start();
    bystander = await scenario.addAgent("Bystander Inc", "in-process");
    // The misbehaving side is driven by hand with a real pairing's credentials.
    victim = await scenario.addAgent("Misbehaving Inc", "in-process");
    await victim.agent!.stop();
    credentials = await readAgentCredentials(victim.dataDir);
    await scenario.api.waitForStatus(bystander.tenant.id, "online");
  });
  afterAll(() => scenario?.close());

  async function authenticated(): Promise<RawAgent> {
    const raw = await RawAgent.connect(scenario.hub.url, credentials.hubPublicKey);
    await raw.hello(credentials.agentId, credentials.privateKeyPem);
    await raw.next("welcome");
    return raw;
  }

  it("a malformed frame gets a typed error and a close, and the hub serves the others", async () => {
    const raw = await authenticated();
    raw.sendRaw("{this is not json");
    const error = await raw.next("error");
    expect(error.code).toBe("bad_encoding");
    expect((await raw.closed).code).toBe(4000);
    expect((await scenario.api.ping(bystander.tenant.id)).rttMs).toBeGreaterThanOrEqual(0);
  });

  it("a frame that fails its schema gets invalid_message naming the field", async () => {
    const raw = await authenticated();
    raw.sendRaw(encodeMessage({ type: "pong", id: 42 }));
    const error = await raw.next("error");
    expect(error.code).toBe("invalid_message");
    expect(error.message).toMatch(/id/);
    expect((await raw.closed).code).toBe(4000);
  });

  it("an unknown message type gets an error but keeps the connection", async () => {
    const raw = await authenticated();
    raw.sendRaw(encodeMessage({ type: "teleport.now", id: "t1" }));
    const error = await raw.next("error");
    expect(error).toMatchObject({ code: "unknown_type", ref: "t1" });
    await scenario.api.waitForStatus(victim.tenant.id, "online");
    raw.close();
  });

  it("an oversize frame is refused with close 1009", async () => {
    const raw = await authenticated();
    raw.sendRaw("x".repeat(MAX_AGENT_FRAME_BYTES + 1024));
    expect((await raw.closed).code).toBe(1009);
    expect((await scenario.api.ping(bystander.tenant.id)).rttMs).toBeGreaterThanOrEqual(0);
  });

  it("a frame before the handshake does not authenticate anyone", async () => {
    const raw = await RawAgent.connect(scenario.hub.url, credentials.hubPublicKey);
    await raw.next("hello.challenge");
    raw.sendRaw(encodeMessage({ type: "pong", id: "early" }));
    const { code } = await raw.closed;
    expect([4000, 4001]).toContain(code);
    expect(raw.received.some((m) => m.type === "welcome")).toBe(false);
  });
});
