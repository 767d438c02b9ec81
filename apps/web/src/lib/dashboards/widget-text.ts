import type { Widget, WidgetTenants } from "@canopy/api";
import { LIFECYCLE_PHRASES, RANGE_LABELS, usesLifecycle, usesRange } from "./widget-options";

type TenantName = (id: string) => string | undefined;

/** "All tenants", "Acme Corp", "Acme Corp, Globex", "4 tenants". */
export function tenantsSummary(tenants: WidgetTenants, name: TenantName): string {
  if ("all" in tenants) return "All tenants";
  if (tenants.ids.length === 0) return "No tenants chosen";
  const names = tenants.ids.map((id) => name(id) ?? "a removed tenant");
  if (names.length <= 2) return names.join(", ");
  return `${names.length} tenants`;
}

/** What a widget counts, in one line under its title: "Last 7 days by creation time · All tenants". */
export function scopeSummary(widget: Widget, name: TenantName): string {
  const when = usesRange(widget.type) ? RANGE_LABELS[widget.range] : "Now";
  const lifecycle = usesLifecycle(widget.type) ? ` ${LIFECYCLE_PHRASES[widget.lifecycle]}` : "";
  return `${when}${lifecycle} · ${tenantsSummary(widget.tenants, name)}`;
}
