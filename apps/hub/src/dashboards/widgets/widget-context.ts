import type { Widget, WidgetData, WidgetTenants } from "@canopy/api";
import type { InsightTimeField } from "../../insights/insight-source.js";
import type { DashboardSources } from "../dashboard-sources.js";
import type { InsightScope } from "../insight-figures.js";
import type { TimeWindow } from "../time-window.js";

/** What one widget computes from: its config resolved to a window, a time field and a tenant set. */
export interface WidgetContext {
  readonly widget: Widget;
  readonly window: TimeWindow;
  readonly field: InsightTimeField;
  /** null: every tenant. */
  readonly tenantIds: ReadonlySet<string> | null;
  readonly sources: DashboardSources;
  readonly now: number;
}

export interface WidgetDefinition {
  /**
   * Which settings bound the figures: insight widgets use range and lifecycle, push outcomes
   * the range only (pushes are counted by when they were made), node health neither (it is now).
   */
  readonly uses: "range-and-lifecycle" | "range" | "nothing";
  compute(context: WidgetContext): WidgetData | Promise<WidgetData>;
}

export function tenantSet(tenants: WidgetTenants): ReadonlySet<string> | null {
  return "all" in tenants ? null : new Set(tenants.ids);
}

/** The insights a widget counts: its time field from the window's start on (no end: see `InsightScope`), of its tenants. */
export function scopeOf(context: WidgetContext): InsightScope {
  return { field: context.field, from: context.window.from, tenantIds: context.tenantIds };
}
