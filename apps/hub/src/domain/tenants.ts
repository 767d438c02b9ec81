import { ShardedCollection, type Collection, type Store } from "@canopy/store";
import { isoAt, type Clock } from "../core/clock.js";
import { newId } from "../core/ids.js";
import { problems } from "../core/problem-error.js";
import { Collections, TENANT_SHARDS, type TenantRecord } from "./records.js";

export interface TenantInput {
  name: string;
  description?: string | undefined;
  tags?: string[] | undefined;
  parentId?: string | null | undefined;
}

export interface TenantChange {
  name?: string | undefined;
  description?: string | undefined;
  tags?: string[] | undefined;
}

function normalizeTags(tags: string[]): string[] {
  return Array.from(new Set(tags.map((t) => t.trim()).filter(Boolean)));
}

/**
 * The tenants (customers) the MSSP manages. Names are unique, ignoring case. Kept in
 * TENANT_SHARDS shards by id, so a change to one tenant rewrites its shard, not every tenant.
 */
export class Tenants {
  readonly #tenants: Collection<TenantRecord>;
  readonly #clock: Clock;
  /**
   * Lower-cased name → id, so the check that a name is free costs the same at 10,000 tenants as
   * at 10 (built on first use, kept up by this class's writes, built again after a rollback).
   */
  #names: Map<string, string> | undefined;

  constructor(store: Store, clock: Clock) {
    this.#tenants = new ShardedCollection<TenantRecord>(store, Collections.tenants, TENANT_SHARDS);
    this.#clock = clock;
    store.onRollback(({ collections }) => {
      if (collections.some((name) => name === Collections.tenants || name.startsWith(`${Collections.tenants}.`))) this.#names = undefined;
    });
  }

  get(id: string): TenantRecord | undefined {
    return this.#tenants.get(id);
  }

  require(id: string): TenantRecord {
    const tenant = this.#tenants.get(id);
    if (!tenant) throw problems.notFound(`tenant ${id}`);
    return tenant;
  }

  all(): TenantRecord[] {
    return this.#tenants.all();
  }

  create(input: TenantInput): TenantRecord {
    const name = input.name.trim();
    this.#assertNameFree(name);
    const parentId = input.parentId ?? null;
    if (parentId !== null && !this.#tenants.get(parentId)) {
      throw problems.invalid([{ path: "parentId", message: `no tenant with id ${parentId}` }]);
    }
    const now = isoAt(this.#clock());
    const tenant = this.#tenants.put({
      id: newId("tnt"),
      name,
      description: input.description?.trim() ?? "",
      tags: normalizeTags(input.tags ?? []),
      parentId,
      createdAt: now,
      updatedAt: now,
    });
    this.#nameIndex().set(name.toLowerCase(), tenant.id);
    return tenant;
  }

  update(id: string, change: TenantChange): TenantRecord {
    const current = this.require(id);
    const name = change.name?.trim();
    if (name !== undefined && name.toLowerCase() !== current.name.toLowerCase()) this.#assertNameFree(name);
    const updated = this.#tenants.put({
      ...current,
      name: name ?? current.name,
      description: change.description?.trim() ?? current.description,
      tags: change.tags ? normalizeTags(change.tags) : current.tags,
      updatedAt: isoAt(this.#clock()),
    });
    const names = this.#nameIndex();
    names.delete(current.name.toLowerCase());
    names.set(updated.name.toLowerCase(), id);
    return updated;
  }

  delete(id: string): TenantRecord {
    const tenant = this.require(id);
    const child = this.#tenants.find((t) => t.parentId === id);
    if (child) {
      throw problems.conflict("tenant_has_children", `tenant "${tenant.name}" has child tenants (e.g. "${child.name}"); delete or move them first`);
    }
    this.#tenants.delete(id);
    this.#nameIndex().delete(tenant.name.toLowerCase());
    return tenant;
  }

  #nameIndex(): Map<string, string> {
    if (this.#names) return this.#names;
    const names = new Map<string, string>();
    for (const tenant of this.#tenants.all()) names.set(tenant.name.toLowerCase(), tenant.id);
    return (this.#names = names);
  }

  #assertNameFree(name: string): void {
    if (this.#nameIndex().has(name.toLowerCase())) {
      throw problems.conflict("tenant_name_taken", `a tenant named "${name}" already exists`);
    }
  }
}
