import { once } from "node:events";
import {
  AGENT_CONNECT_PATH,
  CloseCode,
  decodeText,
  encodeAgentMessage,
  importPublicKey,
  MAC_BYTES,
  openHubFrame,
  SESSION_MAC_CAPABILITY,
  signHello,
  type HubMessage,
} from "@canopy/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { pairThroughApi, type PairedIdentity } from "../../test/fake-agent.js";
import { createTestHub, login, type Caller, type TestHub } from "../../test/helpers.js";
import { WsAgent } from "../../test/ws-agent.js";

const SIGNATURE_BYTES = 64;

/** The gateway agrees a per-connection session key with agents that announce session-mac, and MACs their frames after the welcome. */
describe("session keys on the agent gateway", () => {
  let t: TestHub | undefined;
  let url: string;
  let admin: Caller;
  let alice: PairedIdentity;

  async function start() {
    t = await createTestHub();
    url = (await t.hub.listen({ port: 0, host: "127.0.0.1" })).url;
    admin = await login(t.hub);
    alice = await pairThroughApi(t.hub, admin, (await admin.post("/tenants", { name: "Alice" })).body.id);
  }

  afterEach(async () => {
    await t?.hub.close();
    t = undefined;
  });

  const agentFor = (identity: PairedIdentity, sessionMac: boolean) =>
    new WsAgent({ hubUrl: url, hubPublicKey: identity.hubPublicKey, agentId: identity.agentId, privateKey: identity.privateKey, sessionMac });

  /** Whether `frame` is signed with the hub key for this connection (as opposed to MAC'd). */
  const signed = (identity: PairedIdentity, nonce: string, frame: Buffer) => openHubFrame(importPublicKey(identity.hubPublicKey), nonce, frame) !== null;

  async function pingThrough(agent: WsAgent, identity: PairedIdentity): Promise<HubMessage<"ping">> {
    const answer = await admin.post(`/tenants/${identity.tenantId}/ping`, {});
    expect(answer.status).toBe(200);
    return agent.next("ping");
  }

  it("with an agent that announces session-mac: the welcome is signed and says so, and every frame after it is MAC'd", async () => {
    await start();
    const agent = agentFor(alice, true);
    const welcome = await agent.next("welcome");
    const challenge = agent.all("hello.challenge")[0]!;
    expect(challenge.sessionKey).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(welcome.frameAuth).toBe("session-mac");
    expect(signed(alice, challenge.nonce, agent.frames[1]!)).toBe(true);
    const ping = await pingThrough(agent, alice);
    const frame = agent.frames[agent.received.indexOf(ping)]!;
    // A 32-byte tag, not a 64-byte signature: the same frame does not verify as signed.
    expect(frame.byteLength).toBe(MAC_BYTES + Buffer.byteLength(JSON.stringify({ json: ping })));
    expect(signed(alice, challenge.nonce, frame)).toBe(false);
    expect(agent.mac!.counter).toBeGreaterThanOrEqual(1);
    agent.close();
  }, 30_000);

  it("with an agent from before session keys: no frameAuth in the welcome, and frames stay signed", async () => {
    await start();
    const agent = agentFor(alice, false);
    const welcome = await agent.next("welcome");
    expect(welcome.frameAuth).toBeUndefined();
    const ping = await pingThrough(agent, alice);
    const frame = agent.frames[agent.received.indexOf(ping)]!;
    expect(frame.byteLength).toBe(SIGNATURE_BYTES + Buffer.byteLength(JSON.stringify({ json: ping })));
    expect(signed(alice, agent.all("hello.challenge")[0]!.nonce, frame)).toBe(true);
    expect(agent.mac).toBeUndefined();
    agent.close();
  }, 30_000);

  it("refuses a hello whose key share makes no key (a small-order point), like a bad signature (4001)", async () => {
    await start();
    const ws = new WebSocket(`${url.replace("http", "ws")}${AGENT_CONNECT_PATH}`, { perMessageDeflate: false });
    ws.on("error", () => {});
    const [data] = (await once(ws, "message")) as [Buffer];
    const { nonce } = decodeText(data.subarray(SIGNATURE_BYTES).toString("utf8")) as { nonce: string };
    const zero = Buffer.alloc(32).toString("base64url");
    const closed = once(ws, "close");
    ws.send(
      encodeAgentMessage({
        type: "hello",
        agentId: alice.agentId,
        signature: signHello(alice.privateKey, nonce, alice.agentId, zero),
        agentVersion: "1.2.3",
        hostname: "h",
        platform: "linux",
        capabilities: [SESSION_MAC_CAPABILITY],
        sessionKey: zero,
      }),
    );
    const [code] = (await closed) as [number];
    expect(code).toBe(CloseCode.authFailed);
  }, 30_000);
});
