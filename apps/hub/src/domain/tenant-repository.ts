import type { TenantStatus } from "@canopy/api";
import type { AgentRecord, TenantRecord } from "./records.js";

/** Where a page of tenants starts: after this (lower-cased name, id). */
export type TenantCursor = [nameKey: string, id: string];

/** A tenant list page's filters, answered by the repository (the embedded one in memory, PostgreSQL by SQL). */
export interface TenantPageQuery {
  after?: TenantCursor | undefined;
  /** Rows wanted; the repository answers up to `limit + 1`, so the caller knows whether more follow. */
  limit: number;
  tag?: string | undefined;
  /** Only these tenants (a caller's scope); absent: all. */
  ids?: ReadonlySet<string> | undefined;
  /** Only the children of this parent (null: the root's). */
  parentId?: string | null | undefined;
  /** Lower-cased; a substring of the name, description, a tag or the agent's hostname. */
  needle?: string | undefined;
  /** Filter by status, given the agents connected to this hub process now. */
  status?: { is: TenantStatus; connected: ReadonlySet<string> } | undefined;
}

/** A tenant with its one active agent. */
export interface TenantRow {
  tenant: TenantRecord;
  agent: AgentRecord | undefined;
}

/**
 * Where the tenants (customers) are kept. Names are unique ignoring case: the lower-cased name
 * is the key of a page's order, then the id, by code unit.
 */
export interface TenantRepository {
  get(id: string): Promise<TenantRecord | undefined>;
  /** `get` for a change: the record stays as read until the unit of work commits (PostgreSQL locks the row). */
  getForUpdate(id: string): Promise<TenantRecord | undefined>;
  /** The tenant with its active agent, in one read. */
  getWithAgent(id: string): Promise<TenantRow | undefined>;
  /** Those of `ids` that exist, by id. */
  getMany(ids: Iterable<string>): Promise<Map<string, TenantRecord>>;
  all(): Promise<TenantRecord[]>;
  /** The tenant with this name, ignoring case. */
  findByName(name: string): Promise<TenantRecord | undefined>;
  /** One tenant whose parent is `parentId`, if any. */
  firstChild(parentId: string): Promise<TenantRecord | undefined>;
  /** The tenants whose parent is one of `parentIds` (the root's children have parent null: pass null for them). */
  childrenOf(parentIds: readonly (string | null)[]): Promise<TenantRecord[]>;
  /** Sorted by lower-cased name, then id. */
  page(query: TenantPageQuery): Promise<TenantRow[]>;
  /** Refused (409 `tenant_name_taken`) when another tenant has the name, ignoring case. */
  insert(tenant: TenantRecord): Promise<void>;
  /** The same refusal as `insert` when the name changes to one that is taken. */
  update(tenant: TenantRecord): Promise<void>;
  delete(id: string): Promise<boolean>;
}

export const tenantNameTaken = (name: string) => ({ code: "tenant_name_taken", detail: `a tenant named "${name}" already exists` });

/** How a page compares (name key, id): by code unit, as "C" collation orders the same strings. */
export function compareTenantKeys(a: TenantCursor, b: TenantCursor): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}
