import type { AgentRecord, PairingCodeRecord, TenantRecord } from "../records.js";

/** A tenant's row values (`canopy_tenants`), its keys lower-cased as the embedded store does. */
export function tenantRow(tenant: TenantRecord): unknown[] {
  const search = [tenant.name, tenant.description, ...tenant.tags].map((text) => text.toLowerCase());
  return [tenant.id, tenant.name.toLowerCase(), tenant.parentId, tenant.tags, search, JSON.stringify(tenant)];
}

/** An agent's row values (`canopy_agents`). */
export function agentRow(agent: AgentRecord): unknown[] {
  return [agent.id, agent.tenantId, agent.revokedAt !== null, agent.pairingCode ?? null, agent.hostname.toLowerCase(), JSON.stringify(agent)];
}

/** A pairing code's row values (`canopy_pairing_codes`). */
export function pairingCodeRow(code: PairingCodeRecord): unknown[] {
  return [code.id, code.tenantId, code.expiresAt, code.usedAt !== null, JSON.stringify(code)];
}

export const TENANT_COLUMNS = "id, name_key, parent_id, tags, search, doc";
export const AGENT_COLUMNS = "id, tenant_id, revoked, pairing_code, hostname_key, doc";
export const PAIRING_CODE_COLUMNS = "id, tenant_id, expires_at, used, doc";
