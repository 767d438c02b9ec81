import type { Widget, WidgetData, WidgetTenants } from "@canopy/api";
import type { IndexedInsight, InsightTimeField } from "../../insights/insight-source.js";
import type { DashboardSources } from "../dashboard-sources.js";
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
  compute(context: WidgetContext): WidgetData;
}

export function tenantSet(tenants: WidgetTenants): ReadonlySet<string> | null {
  return "all" in tenants ? null : new Set(tenants.ids);
}

/**
 * The insights a widget counts: its time field from the window's start on, of its tenants. No
 * upper bound: an insight stamped after the hub's `now` (an agent whose clock runs ahead) is as
 * recent as any, so it counts as now instead of staying out of every window, "All time" too.
 */
export function insightsIn(context: WidgetContext): Iterable<IndexedInsight> {
  return context.sources.insights.inRange(context.field, context.window.from, null, context.tenantIds);
}
