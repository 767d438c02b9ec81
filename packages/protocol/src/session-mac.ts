import { createHmac, createPublicKey, createSecretKey, diffieHellman, generateKeyPairSync, hkdfSync, timingSafeEqual, type KeyObject } from "node:crypto";

/**
 * Per-connection session keys for hub → agent frames (DESIGN.md principle 4).
 *
 * Signing every frame with the hub's Ed25519 key cost ~0.1 ms at the hub and ~0.25 ms at the
 * agent per frame: most of a ping's round trip, and one signature per agent for a broadcast.
 * Like TLS, SSH or Noise, the handshake now agrees a symmetric key instead, and the frames after
 * the welcome carry an HMAC-SHA256 tag (a few microseconds for a 4 KB frame):
 *
 * - the hub's `hello.challenge` carries an ephemeral X25519 public key. The challenge is signed
 *   with the pinned hub key, so the agent knows the key is the hub's, for this connection;
 * - the agent's `hello` carries its own ephemeral X25519 public key, covered by its hello
 *   signature (`signHello`), so the hub knows it is the agent's;
 * - both derive key = HKDF-SHA256(X25519 shared secret, salt = the challenge nonce,
 *   info = "canopy/v1/session\0" agent id, hub key, agent key). The nonce and both public keys
 *   bind it to this connection and this pair of identities; ephemeral keys give forward secrecy;
 * - the `welcome` (still Ed25519-signed, so its choice cannot be forged or downgraded) says
 *   `frameAuth: "session-mac"`; every hub frame after it is `tag(32) ‖ payload`, the tag an
 *   HMAC over a domain, an implicit frame counter and the payload. The counter is not on the
 *   wire: TCP delivers frames in order, so both sides count them, and a frame replayed,
 *   reordered or dropped within the connection no longer verifies (which the per-connection
 *   nonce alone never caught).
 *
 * Agents that do not announce `SESSION_MAC_CAPABILITY`, and hubs that send no key in their
 * challenge, keep the Ed25519 frames (`sealHubFrame`).
 */
export const SESSION_MAC_CAPABILITY = "session-mac";

/** What the welcome says when frames after it are MAC'd with the session key. */
export const SESSION_MAC_FRAME_AUTH = "session-mac";

/** Bytes of the tag in front of a MAC'd frame. */
export const MAC_BYTES = 32;

const SESSION_INFO = "canopy/v1/session\0";
const MAC_DOMAIN = Buffer.from("canopy/v1/hub-frame-mac\0");
const COUNTER_BYTES = 8;

export interface EphemeralKey {
  /** Raw X25519 public key, base64url (the JWK `x`): what goes on the wire. */
  publicKey: string;
  privateKey: KeyObject;
}

/** A fresh X25519 key pair for one handshake; never stored. */
export function generateEphemeralKey(): EphemeralKey {
  const { publicKey, privateKey } = generateKeyPairSync("x25519");
  const { x } = publicKey.export({ format: "jwk" });
  if (typeof x !== "string") throw new Error("not an X25519 key");
  return { publicKey: x, privateKey };
}

export interface SessionKeyInput {
  /** This side's ephemeral key. */
  own: KeyObject;
  /** The other side's ephemeral public key, as it came on the wire. */
  peerPublicKey: string;
  /** The connection's challenge nonce. */
  nonce: string;
  agentId: string;
  /** Both ephemeral public keys, as sent: the same input on both sides. */
  hubPublicKey: string;
  agentPublicKey: string;
}

/**
 * The connection's HMAC key. Throws when `peerPublicKey` is not an X25519 key or the shared
 * secret is all zero (a small-order point: a peer trying to force a known key).
 */
export function deriveSessionKey(input: SessionKeyInput): KeyObject {
  const peer = createPublicKey({ key: { kty: "OKP", crv: "X25519", x: input.peerPublicKey }, format: "jwk" });
  const shared = diffieHellman({ privateKey: input.own, publicKey: peer });
  if (shared.every((byte) => byte === 0)) throw new Error("degenerate X25519 shared secret");
  const info = Buffer.from(`${SESSION_INFO}${input.agentId}\0${input.hubPublicKey}\0${input.agentPublicKey}`);
  const key = Buffer.from(hkdfSync("sha256", shared, Buffer.from(input.nonce), info, 32));
  return createSecretKey(key);
}

function tagOf(key: KeyObject, counter: number, body: Uint8Array): Buffer {
  const counterBytes = Buffer.allocUnsafe(COUNTER_BYTES);
  counterBytes.writeUInt32BE(Math.floor(counter / 0x1_0000_0000), 0);
  counterBytes.writeUInt32BE(counter >>> 0, 4);
  return createHmac("sha256", key).update(MAC_DOMAIN).update(counterBytes).update(body).digest();
}

/**
 * One direction of one connection: the hub seals with it, the agent opens with its own copy.
 * Each side counts the frames it sealed or opened; a frame that does not open leaves the count
 * where it was (the agent then closes the connection: the stream is no longer the hub's).
 */
export class FrameMac {
  readonly #key: KeyObject;
  #counter = 0;

  constructor(key: KeyObject) {
    this.#key = key;
  }

  /** Frames sealed or opened so far. */
  get counter(): number {
    return this.#counter;
  }

  /** `tag ‖ payload` for the next frame. */
  seal(payload: string): Buffer {
    return this.sealBytes(Buffer.from(payload, "utf8"));
  }

  /** As `seal`, for a payload already encoded (a broadcast encodes once and seals per connection). */
  sealBytes(body: Uint8Array): Buffer {
    const frame = Buffer.allocUnsafe(MAC_BYTES + body.byteLength);
    tagOf(this.#key, this.#counter++, body).copy(frame, 0);
    frame.set(body, MAC_BYTES);
    return frame;
  }

  /** The next frame's payload text, or null when its tag is not the one expected next. */
  open(frame: Uint8Array): string | null {
    if (frame.byteLength < MAC_BYTES) return null;
    const body = frame.subarray(MAC_BYTES);
    const expected = tagOf(this.#key, this.#counter, body);
    if (!timingSafeEqual(expected, frame.subarray(0, MAC_BYTES))) return null;
    this.#counter++;
    return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8");
  }
}
