import { ShardedCollection, type Collection, type Store } from "@canopy/store";
import { problems } from "../../core/problem-error.js";
import { alreadyPaired, type AgentRepository } from "../agent-repository.js";
import { AGENT_SHARDS, Collections, type AgentRecord } from "../records.js";

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
 * Agents in the embedded store. Lookups by tenant and by pairing code go through an index kept
 * beside the documents (built on first use, kept up by these writes, built again after a failed
 * write rolled agents back).
 */
export class EmbeddedAgents implements AgentRepository {
  readonly #agents: Collection<AgentRecord>;
  #index: AgentIndex | undefined;

  constructor(store: Store) {
    this.#agents = agentsCollection(store);
    store.onRollback(({ collections }) => {
      if (collections.some((name) => name === Collections.agents || name.startsWith(`${Collections.agents}.`))) this.#index = undefined;
    });
  }

  async get(id: string) {
    return this.#agents.get(id);
  }

  /** In memory, a unit of work's reads and writes run without another's in between. */
  async getForUpdate(id: string) {
    return this.#agents.get(id);
  }

  async activeFor(tenantId: string) {
    return this.activeNow(tenantId);
  }

  /** `activeFor` without the wait, for the embedded tenants' pages. */
  activeNow(tenantId: string): AgentRecord | undefined {
    const id = this.#indexed().active.get(tenantId);
    const agent = id === undefined ? undefined : this.#agents.get(id);
    return agent?.revokedAt === null && agent.tenantId === tenantId ? agent : undefined;
  }

  async activeByTenant() {
    const byTenant = new Map<string, AgentRecord>();
    for (const [tenantId, id] of this.#indexed().active) {
      const agent = this.#agents.get(id);
      if (agent?.revokedAt === null) byTenant.set(tenantId, agent);
    }
    return byTenant;
  }

  async pairedWith(pairingCode: string) {
    const id = this.#indexed().byCode.get(pairingCode);
    return id === undefined ? undefined : this.#agents.get(id);
  }

  async insert(agent: AgentRecord) {
    if (agent.revokedAt === null && this.activeNow(agent.tenantId)) throw problems.conflict(alreadyPaired.code, alreadyPaired.detail);
    this.#agents.put(agent);
    this.#remember(this.#indexed(), agent);
  }

  async update(agent: AgentRecord) {
    const before = this.#agents.get(agent.id);
    this.#agents.put(agent);
    const index = this.#indexed();
    if (before && before.revokedAt === null && agent.revokedAt !== null && index.active.get(agent.tenantId) === agent.id) index.active.delete(agent.tenantId);
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
