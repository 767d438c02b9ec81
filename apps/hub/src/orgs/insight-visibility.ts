import type { Clock } from "../core/clock.js";
import type { TenantRepository } from "../domain/tenant-repository.js";
import type { TenantSettingsRepository } from "../settings/tenant-settings-repository.js";
import { heldIn, holds, withAncestors } from "./capabilities.js";
import { inScope, type OrgScope } from "./org-scope.js";
import { siemLeftOff } from "./security-accounts.js";

/** How long the tenants' facts are reused at most: another hub process's change shows within this. */
export const VISIBILITY_TTL_MS = 5_000;

interface TenantFacts {
  id: string;
  /** Its `accessibleByParent` setting: off, its parents' users cannot connect to it or change its insights. */
  accessible: boolean;
  /** Holds siem now, and no security account above it leaves its SIEM off: else it contributes no insights to the federated views. */
  siem: boolean;
  /** Its `searchableFromParent` setting: off, its insights leave every view but its own. */
  searchable: boolean;
}

/** What one scope sees, worked out once per reading of the facts. */
interface Seen {
  ids: string[] | undefined;
  set: ReadonlySet<string> | undefined;
}

/** One reading of every tenant's facts, with what each scope asked of it so far. */
interface Reading {
  list: TenantFacts[];
  byId: ReadonlyMap<string, TenantFacts>;
  seen: Map<string, Seen>;
}

/**
 * Whose insights a request sees: the tenants of its scope whose SIEM is on (the `siem`
 * capability, and any security account above them choosing them), less those that are not
 * searchable from their parents (a tenant always sees its own). The facts about every tenant are
 * read at most once per VISIBILITY_TTL_MS, and again at once when a tenant changes in this
 * process; each scope's answer is kept with them, so a list or a live event pays a lookup.
 */
export class InsightVisibility {
  readonly #tenants: TenantRepository;
  readonly #clock: Clock;
  readonly #settings: Pick<TenantSettingsRepository, "closedToParents" | "securityAccounts">;
  #reading: Promise<Reading> | undefined;
  #readAt = 0;

  constructor(tenants: TenantRepository, clock: Clock, settings: Pick<TenantSettingsRepository, "closedToParents" | "securityAccounts">) {
    this.#tenants = tenants;
    this.#clock = clock;
    this.#settings = settings;
  }

  /** A tenant changed (capabilities, settings, parent, deleted): the next request reads the facts again. */
  invalidate(): void {
    this.#reading = undefined;
  }

  /** The tenants whose insights the scope sees; undefined: every tenant's (nothing is hidden). */
  async tenantIds(scope: OrgScope): Promise<string[] | undefined> {
    return (await this.#seenBy(scope)).ids;
  }

  /** Whether the scope sees this tenant's insights. */
  async sees(scope: OrgScope, tenantId: string): Promise<boolean> {
    const { set } = await this.#seenBy(scope);
    return set === undefined || set.has(tenantId);
  }

  /**
   * Whether a user of `orgId` may connect to the tenant or change its insights: always its own
   * users; its parents' users only while its `accessibleByParent` setting is on.
   */
  async accessible(orgId: string, tenantId: string): Promise<boolean> {
    if (orgId === tenantId) return true;
    return (await this.#current()).byId.get(tenantId)?.accessible ?? true;
  }

  async #seenBy(scope: OrgScope): Promise<Seen> {
    const reading = await this.#current();
    // A scope is its organization's subtree: the organization names it while the facts stand.
    const key = scope.orgIds === null ? "" : scope.orgId;
    const known = reading.seen.get(key);
    if (known) return known;
    const visible = reading.list.filter((tenant) => inScope(scope, tenant.id) && tenant.siem && (tenant.searchable || tenant.id === scope.orgId));
    const ids = scope.orgIds === null && visible.length === reading.list.length ? undefined : visible.map((tenant) => tenant.id);
    const seen = { ids, set: ids && new Set(ids) };
    reading.seen.set(key, seen);
    return seen;
  }

  #current(): Promise<Reading> {
    const now = this.#clock();
    if (this.#reading && now - this.#readAt < VISIBILITY_TTL_MS) return this.#reading;
    this.#readAt = now;
    const reading = this.#read(now);
    this.#reading = reading;
    // A failed read is not kept: the next request tries again.
    reading.catch(() => {
      if (this.#reading === reading) this.#reading = undefined;
    });
    return reading;
  }

  async #read(now: number): Promise<Reading> {
    const [tenants, closed, accounts] = await Promise.all([this.#tenants.all(), this.#settings.closedToParents(), this.#settings.securityAccounts()]);
    const known = await withAncestors(this.#tenants, tenants);
    const held = heldIn(known, tenants, now);
    const siemOff = siemLeftOff(tenants, known, accounts);
    const settings = new Map(closed.map((tenant) => [tenant.id, tenant]));
    const list = tenants.map((tenant) => ({
      id: tenant.id,
      siem: holds(held.get(tenant.id) ?? [], "siem") && !siemOff.has(tenant.id),
      searchable: settings.get(tenant.id)?.searchableFromParent ?? true,
      accessible: settings.get(tenant.id)?.accessibleByParent ?? true,
    }));
    return { list, byId: new Map(list.map((tenant) => [tenant.id, tenant])), seen: new Map() };
  }
}
