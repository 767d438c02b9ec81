import type { Agents } from "../domain/agents.js";
import type { TenantViews } from "../domain/tenant-views.js";
import type { Tenants } from "../domain/tenants.js";
import type { TenantDirectory } from "./dashboard-sources.js";

/** The hub's tenants as their views show them now (status and RTT are live, from presence). */
export function tenantDirectory(tenants: Tenants, agents: Agents, views: TenantViews): TenantDirectory {
  return {
    all() {
      const active = agents.activeByTenant();
      return tenants.all().map((tenant) => views.view(tenant, active.get(tenant.id)));
    },
  };
}
