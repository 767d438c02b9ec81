import type { Widget, WidgetResult } from "@canopy/api";
import type { DashboardSources } from "./dashboard-sources.js";
import { MemoInsightSource } from "./memo-insight-source.js";
import { LIFECYCLE_FIELD, windowOf } from "./time-window.js";
import { WIDGETS } from "./widgets/registry.js";
import { tenantSet } from "./widgets/widget-context.js";

const iso = (ms: number) => new Date(ms).toISOString();

/** One widget's figures at `now`, with the window they cover (`from` null: since the beginning). */
export function computeWidget(widget: Widget, sources: DashboardSources, now: number): WidgetResult {
  const definition = WIDGETS[widget.type];
  const window = definition.uses === "nothing" ? { from: null, to: now } : windowOf(widget.range, now);
  const data = definition.compute({
    widget,
    window,
    field: LIFECYCLE_FIELD[widget.lifecycle],
    tenantIds: tenantSet(widget.tenants),
    sources,
    now,
  });
  return { widgetId: widget.id, from: window.from === null ? null : iso(window.from), to: iso(window.to), computedAt: iso(now), data };
}

/** Every widget's figures, in widget order, at one `now`; widgets with the same scope share one index walk. */
export function computeWidgets(widgets: readonly Widget[], sources: DashboardSources, now: number): WidgetResult[] {
  const shared: DashboardSources = { ...sources, insights: new MemoInsightSource(sources.insights) };
  return widgets.map((widget) => computeWidget(widget, shared, now));
}
