import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from "node:crypto";

/**
 * Ed25519 identities. Agents and the hub each hold one key pair. Public keys travel as the raw
 * 32 bytes in base64url (the JWK `x` value); private keys stay in PKCS#8 PEM files (mode 0600).
 */
export interface GeneratedKeyPair {
  publicKey: string;
  privateKeyPem: string;
}

export function generateKeyPair(): GeneratedKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  return {
    publicKey: exportPublicKey(publicKey),
    privateKeyPem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(),
  };
}

export function loadPrivateKey(pem: string): KeyObject {
  return createPrivateKey({ key: pem, format: "pem" });
}

export function exportPublicKey(key: KeyObject): string {
  const jwk = key.export({ format: "jwk" });
  if (typeof jwk.x !== "string") throw new Error("not an Ed25519 key");
  return jwk.x;
}

export function publicKeyOf(privateKey: KeyObject): string {
  return exportPublicKey(createPublicKey(privateKey));
}

export function importPublicKey(raw: string): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: raw }, format: "jwk" });
}

/** A short, human-comparable fingerprint of a public key (shown by `status` and the UI). */
export function keyFingerprint(raw: string): string {
  const hex = createHash("sha256").update(Buffer.from(raw, "base64url")).digest("hex").slice(0, 32);
  return hex.match(/.{4}/g)!.join(":");
}

// Domain separation: a signature made for one purpose can never be replayed as another.
const HELLO_DOMAIN = Buffer.from("canopy/v1/hello\0");
const HUB_FRAME_DOMAIN = Buffer.from("canopy/v1/hub-frame\0");
const SIGNATURE_BYTES = 64;

/**
 * `sessionKey` (the agent's ephemeral X25519 key, see session-mac.ts) is covered when the hello
 * carries one; without it the input is what agents before session keys signed, so they still verify.
 */
function helloInput(nonce: string, agentId: string, sessionKey: string | undefined): Buffer {
  const text = sessionKey === undefined ? `${nonce}\0${agentId}` : `${nonce}\0${agentId}\0${sessionKey}`;
  return Buffer.concat([HELLO_DOMAIN, Buffer.from(text)]);
}

/** The agent's proof of key possession for one connection's challenge (and of its session key, if any). */
export function signHello(privateKey: KeyObject, nonce: string, agentId: string, sessionKey?: string): string {
  return sign(null, helloInput(nonce, agentId, sessionKey), privateKey).toString("base64url");
}

export function verifyHello(publicKey: KeyObject, nonce: string, agentId: string, signature: string, sessionKey?: string): boolean {
  try {
    return verify(null, helloInput(nonce, agentId, sessionKey), publicKey, Buffer.from(signature, "base64url"));
  } catch {
    return false;
  }
}

const ZERO = Buffer.from([0]);

function frameInput(context: string, payload: Uint8Array): Buffer {
  return Buffer.concat([HUB_FRAME_DOMAIN, Buffer.from(context), ZERO, payload]);
}

/**
 * A signed hub → agent frame: 64 signature bytes, then the UTF-8 payload (text, or bytes already encoded). `context` binds the
 * signature to one connection (the challenge nonce; empty for the challenge itself), so a frame
 * recorded on one connection cannot be replayed on another.
 */
export function sealHubFrame(privateKey: KeyObject, context: string, payload: string | Uint8Array): Buffer {
  // Content batches are megabytes: the payload is UTF-8 encoded in one pass and then only copied
  // (into the signed input and the frame). Measuring its UTF-8 length first and encoding it into
  // place was two passes over the text, and the length pass alone cost more than the signature
  // for rules with non-ASCII text (most of the sealing time in a profile of a push of Sigma rules).
  const body = typeof payload === "string" ? Buffer.from(payload, "utf8") : payload;
  const frame = Buffer.allocUnsafe(SIGNATURE_BYTES + body.length);
  sign(null, frameInput(context, body), privateKey).copy(frame, 0);
  frame.set(body, SIGNATURE_BYTES);
  return frame;
}

/** Verifies a sealed frame; returns its payload text, or null when the signature is wrong. */
export function openHubFrame(publicKey: KeyObject, context: string, frame: Uint8Array): string | null {
  if (frame.byteLength <= SIGNATURE_BYTES) return null;
  const signature = frame.subarray(0, SIGNATURE_BYTES);
  const body = frame.subarray(SIGNATURE_BYTES);
  try {
    if (!verify(null, frameInput(context, body), publicKey, signature)) return null;
  } catch {
    return null;
  }
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
}
