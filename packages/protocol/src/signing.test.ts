import { describe, expect, it } from "vitest";
import { generateKeyPair, importPublicKey, keyFingerprint, loadPrivateKey, publicKeyOf, signHello, verifyHello } from "./signing.js";

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
