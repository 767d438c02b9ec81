import type { TenantStatus } from "@canopy/api";
import type { WidgetDefinition } from "./widget-context.js";

// Trouble first: an agent that went away, then tenants never paired, then the healthy ones.
const STATUS_RANK: Record<TenantStatus, number> = { offline: 0, unpaired: 1, online: 2 };

const COLUMNS = [
  { key: "tenant", label: "Tenant", numeric: false },
  { key: "status", label: "Status", numeric: false },
  { key: "lastSeenAt", label: "Last seen", numeric: false, date: true },
  { key: "rttMs", label: "RTT (ms)", numeric: true },
  { key: "agentVersion", label: "Agent version", numeric: false },
  { key: "hostname", label: "Host", numeric: false },
];

/** Each tenant's agent as it is now: status, last seen, round-trip time, version. Not bounded by time. */
export const nodeHealth: WidgetDefinition = {
  uses: "nothing",
  compute(context) {
    const tenants = context.sources.tenants.all().filter((tenant) => context.tenantIds === null || context.tenantIds.has(tenant.id));
    const rows = [...tenants]
      .sort((a, b) => STATUS_RANK[a.status] - STATUS_RANK[b.status] || a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
      .map((tenant) => ({
        tenantId: tenant.id,
        tenant: tenant.name,
        status: tenant.status,
        lastSeenAt: tenant.lastSeenAt,
        rttMs: tenant.rttMs,
        agentVersion: tenant.agentVersion,
        hostname: tenant.hostname,
      }));
    return { kind: "table", columns: COLUMNS, rows };
  },
};
