import type { Tenant, TenantStatus } from "$lib/api";

export type StatusFilter = "all" | TenantStatus;

/** Search text and status filter of the Nodes table; module state, so it survives navigation. */
class NodeFilters {
  query = $state("");
  status = $state<StatusFilter>("all");

  get active(): boolean {
    return this.query.trim() !== "" || this.status !== "all";
  }

  clear(): void {
    this.query = "";
    this.status = "all";
  }

  /** Every word must appear in the name, a tag, the hostname, the description or the version. */
  matches(tenant: Tenant): boolean {
    if (this.status !== "all" && tenant.status !== this.status) return false;
    const words = this.query.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return true;
    const haystack = [tenant.name, tenant.hostname, tenant.description, tenant.agentVersion, ...tenant.tags]
      .filter(Boolean)
      .join("\n")
      .toLowerCase();
    return words.every((word) => haystack.includes(word));
  }
}

export const nodeFilters = new NodeFilters();

export function countByStatus(list: readonly Tenant[]): Record<StatusFilter, number> {
  const counts: Record<StatusFilter, number> = { all: list.length, online: 0, offline: 0, unpaired: 0 };
  for (const tenant of list) counts[tenant.status] += 1;
  return counts;
}
