import type { Clock } from "../core/clock.js";
import type { ClosedToParents } from "../settings/tenant-settings-repository.js";
import type { TenantRepository } from "../domain/tenant-repository.js";
import { capabilitiesOf, holds } from "./capabilities.js";
import { inScope, type OrgScope } from "./org-scope.js";

/** How long the tenants' facts are reused at most: another hub process's change shows within this. */
export const VISIBILITY_TTL_MS = 5_000;

interface TenantFacts {
  id: string;
  /** Its `accessibleByParent` setting: off, its parents' users cannot connect to it or change its insights. */
  accessible: boolean;
  /** Holds siem now: a tenant without it contributes no insights to the federated views. */
  siem: boolean;
  /** Its `searchableFromParent` setting: off, its insights leave every view but its own. */
  searchable: boolean;
}

/**
 * Whose insights a request sees: the tenants of its scope that hold `siem`, less those that
 * are not searchable from their parents (a tenant always sees its own). The facts about every
 * tenant are read at most once per VISIBILITY_TTL_MS, and again at once when a tenant changes
 * in this process, so a list pays a set lookup, not a read of every tenant.
 */
export class InsightVisibility {
  readonly #tenants: TenantRepository;
  readonly #clock: Clock;
  readonly #closed: () => Promise<readonly ClosedToParents[]>;
  #facts: Promise<TenantFacts[]> | undefined;
  #readAt = 0;

  /** `closed`: the tenants whose settings close them to their parents (the settings repository's). */
  constructor(tenants: TenantRepository, clock: Clock, closed: () => Promise<readonly ClosedToParents[]>) {
    this.#tenants = tenants;
    this.#clock = clock;
    this.#closed = closed;
  }

  /** A tenant changed (capabilities, settings, parent, deleted): the next request reads the facts again. */
  invalidate(): void {
    this.#facts = undefined;
  }

  /** The tenants whose insights the scope sees; undefined: every tenant's (nothing is hidden). */
  async tenantIds(scope: OrgScope): Promise<string[] | undefined> {
    const facts = await this.#current();
    const visible = facts.filter((tenant) => inScope(scope, tenant.id) && tenant.siem && (tenant.searchable || tenant.id === scope.orgId));
    if (scope.orgIds === null && visible.length === facts.length) return undefined;
    return visible.map((tenant) => tenant.id);
  }

  /**
   * Whether a user of `orgId` may connect to the tenant or change its insights: always its own
   * users; its parents' users only while its `accessibleByParent` setting is on.
   */
  async accessible(orgId: string, tenantId: string): Promise<boolean> {
    if (orgId === tenantId) return true;
    return (await this.#current()).find((tenant) => tenant.id === tenantId)?.accessible ?? true;
  }

  /** Whether the scope sees this tenant's insights. */
  async sees(scope: OrgScope, tenantId: string): Promise<boolean> {
    const ids = await this.tenantIds(scope);
    return ids === undefined || ids.includes(tenantId);
  }

  #current(): Promise<TenantFacts[]> {
    const now = this.#clock();
    if (this.#facts && now - this.#readAt < VISIBILITY_TTL_MS) return this.#facts;
    this.#readAt = now;
    const reading = this.#read(now);
    this.#facts = reading;
    // A failed read is not kept: the next request tries again.
    reading.catch(() => {
      if (this.#facts === reading) this.#facts = undefined;
    });
    return reading;
  }

  async #read(now: number): Promise<TenantFacts[]> {
    const [tenants, closed] = await Promise.all([this.#tenants.all(), this.#closed()]);
    const held = await capabilitiesOf(this.#tenants, tenants, now);
    const settings = new Map(closed.map((tenant) => [tenant.id, tenant]));
    return tenants.map((tenant) => ({
      id: tenant.id,
      siem: holds(held.get(tenant.id) ?? [], "siem"),
      searchable: settings.get(tenant.id)?.searchableFromParent ?? true,
      accessible: settings.get(tenant.id)?.accessibleByParent ?? true,
    }));
  }
}
