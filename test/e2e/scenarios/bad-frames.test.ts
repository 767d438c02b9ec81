import { CloseCode, encodeMessage, MAX_AGENT_FRAME_BYTES } from "@canopy/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RawAgent, readAgentCredentials, type AgentCredentials } from "../harness/raw-agent.js";
import { Scenario, type PairedAgent } from "../harness/scenario.js";
import { waitFor } from "../harness/wait.js";

/** The close, or a failure saying it did not come within `timeoutMs`. */
function closedWithin(raw: RawAgent, timeoutMs: number): Promise<{ code: number; reason: string }> {
  return Promise.race([
    raw.closed,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`not closed within ${timeoutMs} ms`)), timeoutMs).unref()),
  ]);
}

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

  it("before the handshake, a frame of an unknown type is fatal: error, then close 4000", async () => {
    const raw = await RawAgent.connect(scenario.hub.url, credentials.hubPublicKey);
    await raw.next("hello.challenge");
    raw.sendRaw(encodeMessage({ type: "teleport.now", id: "t1" }));
    expect((await raw.next("error")).code).toBe("unknown_type");
    expect((await closedWithin(raw, 5000)).code).toBe(CloseCode.protocolError);
  });

  it("before the handshake, a socket cannot stream a big frame: refused (frame_too_large, 4000) once it sent 64 KiB", async () => {
    const raw = await RawAgent.connect(scenario.hub.url, credentials.hubPublicKey);
    await raw.next("hello.challenge");
    // A frame that never ends, in fragments: the hub must not wait for it (nor read it all).
    for (let i = 0; i < 3; i++) raw.ws.send(Buffer.alloc(40 * 1024, 0x20), { fin: false });
    expect((await closedWithin(raw, 5000)).code).toBe(CloseCode.protocolError);
    expect(raw.received.find((m) => m.type === "error")).toMatchObject({ code: "frame_too_large" });
  });

  it("an agent that keeps sending unknown frames is told rate_limited and closed 4029; the bystander is still served", async () => {
    const raw = await authenticated();
    for (let n = 0; n < 200; n++) raw.sendRaw(encodeMessage({ type: "flood.noise", id: `n${n}` }));
    expect((await closedWithin(raw, 10_000)).code).toBe(CloseCode.rateLimited);
    expect(raw.received.filter((m) => m.type === "error").at(-1)).toMatchObject({ code: "rate_limited" });
    expect((await scenario.api.ping(bystander.tenant.id)).rttMs).toBeGreaterThanOrEqual(0);
  });

  it("what an agent sends reaches the hub's log clipped and rate-limited", async () => {
    const raw = await authenticated();
    const connectionId = (await raw.next("welcome")).sessionId;
    for (let n = 0; n < 50; n++) raw.send({ type: "error", code: "internal", message: `failure ${n} ${"x".repeat(1000)}` });
    // A pong round trip: every error frame before it has been read.
    const rtt = scenario.api.ping(victim.tenant.id);
    const ping = await raw.next("ping");
    raw.send({ type: "pong", id: ping.id });
    await rtt;
    raw.close();
    await raw.closed;
    const lines = await waitFor("the summary line", () => {
      const mine = scenario.hub.child
        .stderr()
        .split("\n")
        .filter((line) => line.includes(connectionId))
        .map((line) => JSON.parse(line) as { msg: string; message?: string; suppressed?: number });
      return mine.some((line) => line.suppressed !== undefined) ? mine : undefined;
    });
    const reported = lines.filter((line) => line.msg === "agent reported an error");
    expect(reported.length).toBeLessThanOrEqual(10);
    for (const line of reported) expect(line.message!.length).toBeLessThan(250);
    expect(lines.find((line) => line.suppressed !== undefined)?.suppressed).toBe(50 - reported.length);
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
