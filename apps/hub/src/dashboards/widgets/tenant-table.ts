import type { TenantHealth } from "../dashboard-sources.js";
import { scopeOf, type WidgetDefinition } from "./widget-context.js";

interface TenantRow {
  total: number;
  new: number;
  in_progress: number;
  closed: number;
  critical: number;
  high: number;
}

const COLUMNS = [
  { key: "tenant", label: "Tenant", numeric: false },
  { key: "status", label: "Agent", numeric: false },
  { key: "total", label: "Insights", numeric: true },
  { key: "new", label: "New", numeric: true },
  { key: "in_progress", label: "In progress", numeric: true },
  { key: "closed", label: "Closed", numeric: true },
  { key: "critical", label: "Critical", numeric: true },
  { key: "high", label: "High", numeric: true },
];

const emptyRow = (): TenantRow => ({ total: 0, new: 0, in_progress: 0, closed: 0, critical: 0, high: 0 });

/**
 * One row per tenant (every chosen tenant, or every tenant, even without insights), busiest
 * first. Insights of a tenant the hub no longer has keep a row under their tenant id, so the
 * totals still add up. Rows carry `tenantId` beside the columns, for links.
 */
export const tenantTable: WidgetDefinition = {
  uses: "range-and-lifecycle",
  async compute(context) {
    const known = new Map<string, TenantHealth>(context.sources.tenants.all().map((tenant) => [tenant.id, tenant]));
    const rows = new Map<string, TenantRow>();
    for (const id of context.tenantIds ?? known.keys()) rows.set(id, emptyRow());
    for (const { tenantId, status, severity, count } of await context.sources.insights.tally(scopeOf(context))) {
      let row = rows.get(tenantId);
      if (!row) rows.set(tenantId, (row = emptyRow()));
      row.total += count;
      row[status] += count;
      if (severity === "critical" || severity === "high") row[severity] += count;
    }
    const table = [...rows.entries()].map(([tenantId, row]) => {
      const tenant = known.get(tenantId);
      return { tenantId, tenant: tenant?.name ?? tenantId, status: tenant?.status ?? "unknown", ...row };
    });
    table.sort((a, b) => b.total - a.total || a.tenant.localeCompare(b.tenant) || a.tenantId.localeCompare(b.tenantId));
    return { kind: "table", columns: COLUMNS, rows: table };
  },
};
