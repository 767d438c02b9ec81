import { ShardedCollection, type Collection, type Store } from "@canopy/store";
import { isoAt, type Clock } from "../core/clock.js";
import { newId } from "../core/ids.js";
import { AGENT_SHARDS, Collections, type AgentRecord } from "./records.js";

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

/** The agents collection: AGENT_SHARDS shards by id, so a change to one agent rewrites its shard. */
export function agentsCollection(store: Store): Collection<AgentRecord> {
  return new ShardedCollection<AgentRecord>(store, Collections.agents, AGENT_SHARDS);
}

/** Paired agents. A revoked record is kept forever so its key can never get back in. */
export class Agents {
  readonly #agents: Collection<AgentRecord>;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#agents = agentsCollection(store);
    this.#clock = clock;
  }

  get(id: string): AgentRecord | undefined {
    return this.#agents.get(id);
  }

  /** The tenant's one non-revoked agent, if any. */
  activeFor(tenantId: string): AgentRecord | undefined {
    return this.#agents.find((a) => a.tenantId === tenantId && a.revokedAt === null);
  }

  /** The agent that paired with this pairing code (its id), if any. */
  pairedWith(pairingCode: string): AgentRecord | undefined {
    return this.#agents.find((a) => a.pairingCode === pairingCode);
  }

  /** Active agents by tenant id: one pass, for list views. */
  activeByTenant(): Map<string, AgentRecord> {
    const byTenant = new Map<string, AgentRecord>();
    for (const agent of this.#agents.all()) if (agent.revokedAt === null) byTenant.set(agent.tenantId, agent);
    return byTenant;
  }

  create(input: NewAgent): AgentRecord {
    return this.#agents.put({
      id: newId("agt"),
      ...input,
      pairedAt: isoAt(this.#clock()),
      revokedAt: null,
      revokedBy: null,
      revokedReason: null,
      lastSeenAt: null,
    });
  }

  /** Revokes the agent; returns false when it was already revoked or does not exist. */
  revoke(id: string, by: string, reason: string): boolean {
    const agent = this.#agents.get(id);
    if (!agent || agent.revokedAt !== null) return false;
    this.#agents.put({ ...agent, revokedAt: isoAt(this.#clock()), revokedBy: by, revokedReason: reason });
    return true;
  }

  /** Called when a connection ends: the one store write a session causes for liveness. */
  recordLastSeen(id: string, seen: AgentLastSeen): void {
    const agent = this.#agents.get(id);
    if (!agent) return;
    this.#agents.put({ ...agent, ...seen });
  }
}
