import type { DashboardLayout, Widget, WidgetResult } from "@canopy/api";
import { LIFECYCLE_LABEL, RANGE_LABEL } from "../time-window.js";
import { WIDGETS } from "../widgets/registry.js";

/** What both exports draw: the dashboard, every widget's result, and who asked when. */
export interface DashboardExport {
  dashboard: DashboardLayout;
  /** In widget order. */
  results: readonly WidgetResult[];
  /** Who exported it (their email). */
  user: string;
  generatedAt: number;
  /** Tenant names by id, for widgets on chosen tenants. */
  tenantNames: ReadonlyMap<string, string>;
}

const TENANTS_LISTED = 5;

/** "Last 7 days", or "Now" for a widget that shows the present state. */
export function rangeText(widget: Widget): string {
  return WIDGETS[widget.type].uses === "nothing" ? "Now" : RANGE_LABEL[widget.range];
}

/** "by creation time", or "" when the lifecycle does not apply to the widget. */
export function lifecycleText(widget: Widget): string {
  return WIDGETS[widget.type].uses === "range-and-lifecycle" ? LIFECYCLE_LABEL[widget.lifecycle] : "";
}

export function tenantsText(widget: Widget, names: ReadonlyMap<string, string>): string {
  if ("all" in widget.tenants) return "All tenants";
  const listed = widget.tenants.ids.slice(0, TENANTS_LISTED).map((id) => names.get(id) ?? id);
  const more = widget.tenants.ids.length - listed.length;
  return `Tenants: ${listed.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
}

/** "2030-01-15 12:00 UTC" */
export function utcText(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** "Last 7 days by creation time · All tenants · 2030-01-08 12:00 UTC to 2030-01-15 12:00 UTC" */
export function scopeLine(widget: Widget, result: WidgetResult, names: ReadonlyMap<string, string>): string {
  const when = [rangeText(widget), lifecycleText(widget)].filter(Boolean).join(" ");
  const window = WIDGETS[widget.type].uses === "nothing" ? `as of ${utcText(result.to)}` : `${result.from === null ? "since the start" : utcText(result.from)} to ${utcText(result.to)}`;
  return `${when} · ${tenantsText(widget, names)} · ${window}`;
}
