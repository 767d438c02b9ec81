import { randomBytes, type KeyObject } from "node:crypto";
import {
  CloseCode,
  deriveSessionKey,
  generateEphemeralKey,
  importPublicKey,
  PROTOCOL_VERSION,
  SESSION_MAC_CAPABILITY,
  verifyHello,
  type AgentMessage,
  type EphemeralKey,
  type ErrorCode,
  type HubToAgent,
} from "@canopy/protocol";
import type { HubRepositories } from "../domain/hub-data.js";
import type { AgentRecord, TenantRecord } from "../domain/records.js";

export type HelloVerdict =
  /** `sessionKey`: the agent agreed one (session-mac), and frames after the welcome are MAC'd with it. */
  | { ok: true; agent: AgentRecord; tenant: TenantRecord; sessionKey?: KeyObject | undefined }
  | { ok: false; code: ErrorCode; closeCode: number; message: string };

const authFailed: HelloVerdict = {
  ok: false,
  code: "auth_failed",
  closeCode: CloseCode.authFailed,
  // One message for unknown ids and bad signatures: a prober learns nothing about which ids exist.
  message: "unknown agent or bad signature",
};

/**
 * Decides who is on the other end of a connection. `hello.agentId` only selects the public key
 * to verify against; the signature over this connection's nonce is what proves the identity.
 * The signature is checked before revocation so that only the key holder learns it was revoked.
 */
export async function verifyAgentHello(hello: AgentMessage<"hello">, nonce: string, data: Pick<HubRepositories, "agents" | "tenants">): Promise<HelloVerdict> {
  const agent = await data.agents.get(hello.agentId);
  if (!agent) return authFailed;
  let verified = false;
  try {
    verified = verifyHello(importPublicKey(agent.publicKey), nonce, hello.agentId, hello.signature, hello.sessionKey);
  } catch {
    verified = false;
  }
  if (!verified) return authFailed;
  const tenant = await data.tenants.get(agent.tenantId);
  if (agent.revokedAt !== null || !tenant) {
    return { ok: false, code: "revoked", closeCode: CloseCode.revoked, message: "this agent was unpaired; pair it again with a new code" };
  }
  return { ok: true, agent, tenant };
}

/**
 * One connection's challenge: the nonce its hello must sign, the hub's ephemeral X25519 key for
 * a session key (protocol session-mac.ts), the clock that runs until a valid hello, and the
 * moment it ends (welcomed, refused or gone), reported once so the gateway can count the
 * sockets still waiting per address.
 */
export class Handshake {
  readonly nonce = randomBytes(32).toString("base64url");
  /** Made with the challenge; dropped with the handshake (forward secrecy: it is never kept). */
  #ephemeral: EphemeralKey | undefined;
  #timer: NodeJS.Timeout | undefined;
  #started = false;
  #over = false;
  readonly #onOver: () => void;

  constructor(onOver: () => void) {
    this.#onOver = onOver;
  }

  get over(): boolean {
    return this.#over;
  }

  /** The challenge to send; `timedOut` runs if no valid hello ends the handshake within `timeoutMs`. */
  start(now: number, timeoutMs: number, timedOut: () => void): HubToAgent {
    this.#started = true;
    this.#timer = setTimeout(timedOut, timeoutMs);
    this.#timer.unref();
    this.#ephemeral = generateEphemeralKey();
    return { type: "hello.challenge", nonce: this.nonce, protocolVersion: PROTOCOL_VERSION, hubTime: now, sessionKey: this.#ephemeral.publicKey };
  }

  /**
   * Who the agent is and, when it announced session-mac and answered the hub's key with its own
   * (covered by the hello signature), the connection's session key. A key share that makes no
   * key (not X25519, a small-order point) is a broken or hostile agent: refused like a bad signature.
   */
  async verify(hello: AgentMessage<"hello">, data: Pick<HubRepositories, "agents" | "tenants">): Promise<HelloVerdict> {
    const verdict = await verifyAgentHello(hello, this.nonce, data);
    if (!verdict.ok || hello.sessionKey === undefined || !hello.capabilities.includes(SESSION_MAC_CAPABILITY) || !this.#ephemeral) return verdict;
    try {
      const hub = this.#ephemeral;
      const sessionKey = deriveSessionKey({
        own: hub.privateKey,
        peerPublicKey: hello.sessionKey,
        nonce: this.nonce,
        agentId: verdict.agent.id,
        hubPublicKey: hub.publicKey,
        agentPublicKey: hello.sessionKey,
      });
      return { ...verdict, sessionKey };
    } catch {
      return authFailed;
    }
  }

  /** Idempotent; reported only for a handshake that started (a refused connection never counted). */
  end(): void {
    clearTimeout(this.#timer);
    this.#ephemeral = undefined;
    if (this.#over) return;
    this.#over = true;
    if (this.#started) this.#onOver();
  }
}
