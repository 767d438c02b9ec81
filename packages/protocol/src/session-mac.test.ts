import { describe, expect, it } from "vitest";
import { decodeHubFrame } from "./decode.js";
import { macHubMessage } from "./encode.js";
import { deriveSessionKey, FrameMac, generateEphemeralKey, MAC_BYTES } from "./session-mac.js";
import { generateKeyPair, importPublicKey, signHello, verifyHello, loadPrivateKey } from "./signing.js";

const AGENT_ID = "agt_abcdefgh";

/** Both sides of one handshake: each derives the key from its own private half and the other's public one. */
function handshake(nonce = "N".repeat(43), agentId = AGENT_ID) {
  const hub = generateEphemeralKey();
  const agent = generateEphemeralKey();
  const shared = { nonce, agentId, hubPublicKey: hub.publicKey, agentPublicKey: agent.publicKey };
  return {
    hubKey: deriveSessionKey({ ...shared, own: hub.privateKey, peerPublicKey: agent.publicKey }),
    agentKey: deriveSessionKey({ ...shared, own: agent.privateKey, peerPublicKey: hub.publicKey }),
  };
}

describe("session keys", () => {
  it("are the same on both sides of one handshake, and differ between connections", () => {
    const one = handshake();
    const two = handshake();
    expect(one.hubKey.export().equals(one.agentKey.export())).toBe(true);
    expect(one.hubKey.export().equals(two.hubKey.export())).toBe(false);
  });

  it("are bound to the nonce and the agent id: the same key shares with another nonce or id give another key", () => {
    const hub = generateEphemeralKey();
    const agent = generateEphemeralKey();
    const derive = (nonce: string, agentId: string) =>
      deriveSessionKey({ own: hub.privateKey, peerPublicKey: agent.publicKey, nonce, agentId, hubPublicKey: hub.publicKey, agentPublicKey: agent.publicKey }).export();
    expect(derive("a".repeat(43), AGENT_ID).equals(derive("b".repeat(43), AGENT_ID))).toBe(false);
    expect(derive("a".repeat(43), AGENT_ID).equals(derive("a".repeat(43), "agt_zzzzzzzz"))).toBe(false);
  });

  it("are refused for a public key that is not X25519, or a small-order point that would force a known key", () => {
    const own = generateEphemeralKey();
    const input = { own: own.privateKey, nonce: "n".repeat(43), agentId: AGENT_ID, hubPublicKey: own.publicKey, agentPublicKey: own.publicKey };
    expect(() => deriveSessionKey({ ...input, peerPublicKey: "not-a-key" })).toThrow();
    expect(() => deriveSessionKey({ ...input, peerPublicKey: Buffer.alloc(32).toString("base64url") })).toThrow();
  });

  it("are covered by the hello signature: a hello whose session key was swapped does not verify", () => {
    const identity = generateKeyPair();
    const priv = loadPrivateKey(identity.privateKeyPem);
    const pub = importPublicKey(identity.publicKey);
    const nonce = "A".repeat(43);
    const mine = generateEphemeralKey().publicKey;
    const signature = signHello(priv, nonce, AGENT_ID, mine);
    expect(verifyHello(pub, nonce, AGENT_ID, signature, mine)).toBe(true);
    expect(verifyHello(pub, nonce, AGENT_ID, signature, generateEphemeralKey().publicKey)).toBe(false);
    expect(verifyHello(pub, nonce, AGENT_ID, signature)).toBe(false);
    // A hello without a session key still verifies as before.
    expect(verifyHello(pub, nonce, AGENT_ID, signHello(priv, nonce, AGENT_ID))).toBe(true);
  });
});

describe("MAC'd hub frames", () => {
  const ping = (id: string) => ({ type: "ping" as const, id, sentAt: 1 });

  it("open in order on the same connection, byte for byte, multibyte text and megabytes included", () => {
    const { hubKey, agentKey } = handshake();
    const hub = new FrameMac(hubKey);
    const agent = new FrameMac(agentKey);
    for (const payload of ["{}", "Ünïcode ✓ \u2028 日本", "x".repeat(2 * 1024 * 1024) + "é"]) {
      const frame = hub.seal(payload);
      expect(frame.byteLength).toBe(MAC_BYTES + Buffer.byteLength(payload));
      expect(agent.open(frame)).toBe(payload);
    }
    expect(agent.counter).toBe(3);
  });

  it("decode into messages, and a frame from another connection does not", () => {
    const one = handshake();
    const two = handshake();
    const hubKey = importPublicKey(generateKeyPair().publicKey);
    const frame = macHubMessage(new FrameMac(one.hubKey), ping("p1"));
    const other = decodeHubFrame(frame, hubKey, "", new FrameMac(two.agentKey));
    expect(other.ok || other.error.code).toBe("bad_signature");
    expect(decodeHubFrame(frame, hubKey, "", new FrameMac(one.agentKey))).toEqual({ ok: true, message: ping("p1") });
  });

  it("refuse a replayed frame and frames out of order", () => {
    const { hubKey, agentKey } = handshake();
    const hub = new FrameMac(hubKey);
    const agent = new FrameMac(agentKey);
    const first = hub.seal("first");
    const second = hub.seal("second");
    const third = hub.seal("third");
    expect(agent.open(first)).toBe("first");
    expect(agent.open(first)).toBeNull(); // replayed
    expect(agent.open(third)).toBeNull(); // the second was dropped or comes later
    expect(agent.open(second)).toBe("second");
    expect(agent.open(third)).toBe("third");
  });

  it("refuse a frame with any byte changed, a truncated one, and one tagged with a wrong key", () => {
    const { hubKey, agentKey } = handshake();
    const frame = new FrameMac(hubKey).seal("payload");
    for (const at of [0, MAC_BYTES - 1, MAC_BYTES, frame.length - 1]) {
      const tampered = Buffer.from(frame);
      tampered[at]! ^= 1;
      expect(new FrameMac(agentKey).open(tampered)).toBeNull();
    }
    expect(new FrameMac(agentKey).open(frame.subarray(0, MAC_BYTES - 1))).toBeNull();
    expect(new FrameMac(agentKey).open(new FrameMac(handshake().hubKey).seal("payload"))).toBeNull();
    expect(new FrameMac(agentKey).open(frame)).toBe("payload");
  });

  it("are not Ed25519 frames: a MAC'd frame does not decode where a signature is expected, nor the reverse", () => {
    const { hubKey, agentKey } = handshake();
    const identity = generateKeyPair();
    const signed = decodeHubFrame(new FrameMac(hubKey).seal('{"json":{"type":"ping","id":"p","sentAt":1}}'), importPublicKey(identity.publicKey), "n");
    expect(signed.ok || signed.error.code).toBe("bad_signature");
    const text = decodeHubFrame('{"json":{"type":"ping","id":"p","sentAt":1}}', importPublicKey(identity.publicKey), "n", new FrameMac(agentKey));
    expect(text.ok || text.error.code).toBe("bad_signature");
  });
});
