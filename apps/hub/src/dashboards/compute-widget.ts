import type { Widget, WidgetResult } from "@canopy/api";
import type { DashboardSources } from "./dashboard-sources.js";
import { memoFigures } from "./memo-insight-figures.js";
import { LIFECYCLE_FIELD, windowOf } from "./time-window.js";
import { WIDGETS } from "./widgets/registry.js";
import { tenantSet } from "./widgets/widget-context.js";

const iso = (ms: number) => new Date(ms).toISOString();

/** One widget's figures at `now`, with the window they cover (`from` null: since the beginning). */
export async function computeWidget(widget: Widget, sources: DashboardSources, now: number): Promise<WidgetResult> {
  const definition = WIDGETS[widget.type];
  const window = definition.uses === "nothing" ? { from: null, to: now } : windowOf(widget.range, now);
  const data = await definition.compute({
    widget,
    window,
    field: LIFECYCLE_FIELD[widget.lifecycle],
    tenantIds: tenantSet(widget.tenants),
    sources,
    now,
  });
  return { widgetId: widget.id, from: window.from === null ? null : iso(window.from), to: iso(window.to), computedAt: iso(now), data };
}

/** Every widget's figures, in widget order, at one `now`; widgets asking the same question of the insights share its answer. */
export function computeWidgets(widgets: readonly Widget[], sources: DashboardSources, now: number): Promise<WidgetResult[]> {
  const shared: DashboardSources = { ...sources, insights: memoFigures(sources.insights) };
  return Promise.all(widgets.map((widget) => computeWidget(widget, shared, now)));
}
