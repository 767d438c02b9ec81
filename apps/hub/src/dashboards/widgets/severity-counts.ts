import type { InsightSeverity } from "@canopy/protocol";
import { SEVERITY_LABEL, SEVERITY_ORDER } from "./insight-labels.js";
import { scopeOf, type WidgetDefinition } from "./widget-context.js";

/** Insights by severity, most severe first (every key present). */
export const severityCounts: WidgetDefinition = {
  uses: "range-and-lifecycle",
  async compute(context) {
    const counts = new Map<InsightSeverity, number>(SEVERITY_ORDER.map((severity) => [severity, 0]));
    for (const { severity, count } of await context.sources.insights.tally(scopeOf(context))) counts.set(severity, counts.get(severity)! + count);
    return { kind: "counts", rows: SEVERITY_ORDER.map((key) => ({ key, label: SEVERITY_LABEL[key], value: counts.get(key)! })) };
  },
};
