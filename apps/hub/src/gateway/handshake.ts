import { CloseCode, importPublicKey, verifyHello, type AgentMessage, type ErrorCode } from "@canopy/protocol";
import type { Agents } from "../domain/agents.js";
import type { AgentRecord, TenantRecord } from "../domain/records.js";
import type { Tenants } from "../domain/tenants.js";

export type HelloVerdict =
  | { ok: true; agent: AgentRecord; tenant: TenantRecord }
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
export function verifyAgentHello(hello: AgentMessage<"hello">, nonce: string, agents: Agents, tenants: Tenants): HelloVerdict {
  const agent = agents.get(hello.agentId);
  if (!agent) return authFailed;
  let verified = false;
  try {
    verified = verifyHello(importPublicKey(agent.publicKey), nonce, hello.agentId, hello.signature);
  } catch {
    verified = false;
  }
  if (!verified) return authFailed;
  const tenant = tenants.get(agent.tenantId);
  if (agent.revokedAt !== null || !tenant) {
    return { ok: false, code: "revoked", closeCode: CloseCode.revoked, message: "this agent was unpaired; pair it again with a new code" };
  }
  return { ok: true, agent, tenant };
}
