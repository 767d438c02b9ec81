import { ShardedCollection, type Collection, type Store } from "@canopy/store";
import { problems } from "../../core/problem-error.js";
import { Collections, TENANT_SHARDS, type TenantRecord } from "../records.js";
import { compareTenantKeys, tenantNameTaken, type TenantCursor, type TenantRepository, type TenantRow } from "../tenant-repository.js";
import type { EmbeddedAgents } from "./embedded-agents.js";
import { tenantMatches } from "./tenant-filter.js";

const keyOf = (tenant: TenantRecord): TenantCursor => [tenant.name.toLowerCase(), tenant.id];

/**
 * Tenants in the embedded store, in TENANT_SHARDS shards by id (a change to one tenant rewrites
 * its shard). Lower-cased name → id is kept beside them, so the check that a name is free costs
 * the same at 10,000 tenants as at 10 (built on first use, kept up by these writes, built again
 * after a rollback).
 */
export class EmbeddedTenants implements TenantRepository {
  readonly #tenants: Collection<TenantRecord>;
  readonly #agents: EmbeddedAgents;
  #names: Map<string, string> | undefined;

  constructor(store: Store, agents: EmbeddedAgents) {
    this.#tenants = new ShardedCollection<TenantRecord>(store, Collections.tenants, TENANT_SHARDS);
    this.#agents = agents;
    store.onRollback(({ collections }) => {
      if (collections.some((name) => name === Collections.tenants || name.startsWith(`${Collections.tenants}.`))) this.#names = undefined;
    });
  }

  async get(id: string) {
    return this.#tenants.get(id);
  }

  /** In memory, a unit of work's reads and writes run without another's in between. */
  async getForUpdate(id: string) {
    return this.#tenants.get(id);
  }

  async getWithAgent(id: string) {
    const tenant = this.#tenants.get(id);
    return tenant ? { tenant, agent: this.#agents.activeNow(id) } : undefined;
  }

  async getMany(ids: Iterable<string>) {
    const found = new Map<string, TenantRecord>();
    for (const id of ids) {
      const tenant = this.#tenants.get(id);
      if (tenant) found.set(id, tenant);
    }
    return found;
  }

  async all() {
    return this.#tenants.all();
  }

  async findByName(name: string) {
    const id = this.#nameIndex().get(name.trim().toLowerCase());
    return id === undefined ? undefined : this.#tenants.get(id);
  }

  async firstChild(parentId: string) {
    return this.#tenants.find((tenant) => tenant.parentId === parentId);
  }

  async childrenOf(parentIds: readonly (string | null)[]) {
    const parents = new Set(parentIds);
    return this.#tenants.filter((tenant) => parents.has(tenant.parentId));
  }

  async page(query: Parameters<TenantRepository["page"]>[0]): Promise<TenantRow[]> {
    const rows: { row: TenantRow; key: TenantCursor }[] = [];
    for (const tenant of this.#tenants.all()) {
      const key = keyOf(tenant);
      if (query.after !== undefined && compareTenantKeys(key, query.after) <= 0) continue;
      const agent = this.#agents.activeNow(tenant.id);
      if (tenantMatches(tenant, agent, query)) rows.push({ row: { tenant, agent }, key });
    }
    return rows.sort((a, b) => compareTenantKeys(a.key, b.key)).slice(0, query.limit + 1).map(({ row }) => row);
  }

  async insert(tenant: TenantRecord) {
    this.#assertNameFree(tenant.name, tenant.id);
    this.#tenants.put(tenant);
    this.#nameIndex().set(tenant.name.toLowerCase(), tenant.id);
  }

  async update(tenant: TenantRecord) {
    const before = this.#tenants.get(tenant.id);
    this.#assertNameFree(tenant.name, tenant.id);
    this.#tenants.put(tenant);
    const names = this.#nameIndex();
    if (before) names.delete(before.name.toLowerCase());
    names.set(tenant.name.toLowerCase(), tenant.id);
  }

  async delete(id: string) {
    const tenant = this.#tenants.get(id);
    if (!tenant) return false;
    this.#tenants.delete(id);
    this.#nameIndex().delete(tenant.name.toLowerCase());
    return true;
  }

  #nameIndex(): Map<string, string> {
    if (this.#names) return this.#names;
    const names = new Map<string, string>();
    for (const tenant of this.#tenants.all()) names.set(tenant.name.toLowerCase(), tenant.id);
    return (this.#names = names);
  }

  #assertNameFree(name: string, id: string): void {
    const holder = this.#nameIndex().get(name.toLowerCase());
    if (holder !== undefined && holder !== id) {
      const taken = tenantNameTaken(name);
      throw problems.conflict(taken.code, taken.detail);
    }
  }
}
