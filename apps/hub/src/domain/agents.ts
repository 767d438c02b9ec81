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

/** Lookups pairing and connecting make, kept so they cost the same at 10,000 tenants as at 10. */
interface AgentIndex {
  /** Tenant id → its one non-revoked agent's id. */
  active: Map<string, string>;
  /** Pairing code id → the agent that used it. */
  byCode: Map<string, string>;
}

/**
 * Paired agents. A revoked record is kept forever so its key can never get back in. Lookups by
 * tenant and by pairing code go through an index kept beside the documents (built on first use,
 * kept up by this class's writes, built again after a failed write rolled agents back).
 */
export class Agents {
  readonly #agents: Collection<AgentRecord>;
  readonly #clock: Clock;
  #index: AgentIndex | undefined;

  constructor(store: Store, clock: Clock) {
    this.#agents = agentsCollection(store);
    this.#clock = clock;
    store.onRollback(({ collections }) => {
      if (collections.some((name) => name === Collections.agents || name.startsWith(`${Collections.agents}.`))) this.#index = undefined;
    });
  }

  get(id: string): AgentRecord | undefined {
    return this.#agents.get(id);
  }

  /** The tenant's one non-revoked agent, if any. */
  activeFor(tenantId: string): AgentRecord | undefined {
    const id = this.#indexed().active.get(tenantId);
    const agent = id === undefined ? undefined : this.#agents.get(id);
    return agent?.revokedAt === null && agent.tenantId === tenantId ? agent : undefined;
  }

  /** The agent that paired with this pairing code (its id), if any. */
  pairedWith(pairingCode: string): AgentRecord | undefined {
    const id = this.#indexed().byCode.get(pairingCode);
    return id === undefined ? undefined : this.#agents.get(id);
  }

  /** Active agents by tenant id, for list views. */
  activeByTenant(): Map<string, AgentRecord> {
    const byTenant = new Map<string, AgentRecord>();
    for (const [tenantId, id] of this.#indexed().active) {
      const agent = this.#agents.get(id);
      if (agent?.revokedAt === null) byTenant.set(tenantId, agent);
    }
    return byTenant;
  }

  create(input: NewAgent): AgentRecord {
    const agent = this.#agents.put({
      id: newId("agt"),
      ...input,
      pairedAt: isoAt(this.#clock()),
      revokedAt: null,
      revokedBy: null,
      revokedReason: null,
      lastSeenAt: null,
    });
    this.#remember(this.#indexed(), agent);
    return agent;
  }

  /** Revokes the agent; returns false when it was already revoked or does not exist. */
  revoke(id: string, by: string, reason: string): boolean {
    const agent = this.#agents.get(id);
    if (!agent || agent.revokedAt !== null) return false;
    this.#agents.put({ ...agent, revokedAt: isoAt(this.#clock()), revokedBy: by, revokedReason: reason });
    const index = this.#indexed();
    if (index.active.get(agent.tenantId) === id) index.active.delete(agent.tenantId);
    return true;
  }

  /** Called when a connection ends: the one store write a session causes for liveness. */
  recordLastSeen(id: string, seen: AgentLastSeen): void {
    const agent = this.#agents.get(id);
    if (!agent) return;
    this.#agents.put({ ...agent, ...seen });
  }

  #indexed(): AgentIndex {
    if (this.#index) return this.#index;
    const index: AgentIndex = { active: new Map(), byCode: new Map() };
    for (const agent of this.#agents.all()) this.#remember(index, agent);
    return (this.#index = index);
  }

  #remember(index: AgentIndex, agent: AgentRecord): void {
    if (agent.revokedAt === null) index.active.set(agent.tenantId, agent.id);
    if (agent.pairingCode) index.byCode.set(agent.pairingCode, agent.id);
  }
}
