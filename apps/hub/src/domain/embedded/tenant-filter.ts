import type { AgentRecord, TenantRecord } from "../records.js";
import type { TenantPageQuery } from "../tenant-repository.js";

/** Whether a tenant (with its active agent) passes a page's filters: the rule the SQL of the PostgreSQL tenants follows. */
export function tenantMatches(tenant: TenantRecord, agent: AgentRecord | undefined, query: TenantPageQuery): boolean {
  if (query.ids !== undefined && !query.ids.has(tenant.id)) return false;
  if (query.parentId !== undefined && tenant.parentId !== query.parentId) return false;
  if (query.tag !== undefined && !tenant.tags.includes(query.tag)) return false;
  if (query.status !== undefined) {
    const status = agent === undefined ? "unpaired" : query.status.connected.has(agent.id) ? "online" : "offline";
    if (status !== query.status.is) return false;
  }
  const needle = query.needle;
  if (needle) {
    const texts = [tenant.name, tenant.description, agent?.hostname ?? "", ...tenant.tags];
    if (!texts.some((text) => text.toLowerCase().includes(needle))) return false;
  }
  return true;
}
