import { describe, expect, it } from "vitest";
import { generateKeyPair, importPublicKey, keyFingerprint, loadPrivateKey, openHubFrame, publicKeyOf, sealHubFrame, signHello, verifyHello } from "./signing.js";

describe("hello signatures", () => {
  const agent = generateKeyPair();
  const priv = loadPrivateKey(agent.privateKeyPem);
  const pub = importPublicKey(agent.publicKey);
  const nonce = "A".repeat(43);

  it("verify for the same nonce and agent id", () => {
    expect(verifyHello(pub, nonce, "agt_abcdefgh", signHello(priv, nonce, "agt_abcdefgh"))).toBe(true);
  });

  it("do not verify for another agent id (no claiming another identity)", () => {
    expect(verifyHello(pub, nonce, "agt_zzzzzzzz", signHello(priv, nonce, "agt_abcdefgh"))).toBe(false);
  });

  it("do not verify for another nonce (no replay)", () => {
    expect(verifyHello(pub, "B".repeat(43), "agt_abcdefgh", signHello(priv, nonce, "agt_abcdefgh"))).toBe(false);
  });

  it("survive garbage without throwing", () => {
    expect(verifyHello(pub, nonce, "agt_abcdefgh", "not-a-signature")).toBe(false);
  });

  it("derive the public key and a stable fingerprint", () => {
    expect(publicKeyOf(priv)).toBe(agent.publicKey);
    expect(keyFingerprint(agent.publicKey)).toMatch(/^([0-9a-f]{4}:){7}[0-9a-f]{4}$/);
    expect(keyFingerprint(agent.publicKey)).toBe(keyFingerprint(agent.publicKey));
  });
});

describe("sealed hub frames", () => {
  const hub = generateKeyPair();
  const priv = loadPrivateKey(hub.privateKeyPem);
  const pub = importPublicKey(hub.publicKey);

  it("open with the hub key and the same context, byte for byte, multibyte text and megabytes included", () => {
    for (const payload of ["{}", "Ünïcode ✓ \u2028 日本", "x".repeat(2 * 1024 * 1024) + "é"]) {
      const frame = sealHubFrame(priv, "nonce-1", payload);
      expect(frame.byteLength).toBe(64 + Buffer.byteLength(payload));
      expect(openHubFrame(pub, "nonce-1", frame)).toBe(payload);
      expect(openHubFrame(pub, "nonce-2", frame)).toBeNull();
      expect(openHubFrame(pub, "", frame)).toBeNull();
    }
  });

  it("do not open once a byte changed", () => {
    const frame = sealHubFrame(priv, "n", "payload");
    frame.writeUInt8(frame.readUInt8(frame.length - 1) ^ 1, frame.length - 1);
    expect(openHubFrame(pub, "n", frame)).toBeNull();
  });
});
