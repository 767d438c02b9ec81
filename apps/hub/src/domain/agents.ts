import { isoAt, type Clock } from "../core/clock.js";
import { newId } from "../core/ids.js";
import type { AgentRecord } from "./records.js";

export interface NewAgent {
  tenantId: string;
  publicKey: string;
  hostname: string;
  platform: string;
  agentVersion: string;
  /** The id (HMAC) of the pairing code it used, so a replay of that code is told it was used. */
  pairingCode: string;
}

export interface AgentLastSeen {
  lastSeenAt: string;
  agentVersion: string;
  hostname: string;
  platform: string;
}

/** A newly paired agent's record. */
export function newAgent(input: NewAgent, clock: Clock): AgentRecord {
  return { id: newId("agt"), ...input, pairedAt: isoAt(clock()), revokedAt: null, revokedBy: null, revokedReason: null, lastSeenAt: null };
}

/** The agent revoked now, by whom and why (set once, never cleared: its key never gets back in). */
export function revokedAgent(agent: AgentRecord, by: string, reason: string, clock: Clock): AgentRecord {
  return { ...agent, revokedAt: isoAt(clock()), revokedBy: by, revokedReason: reason };
}
