import type { InsightSeverity } from "@canopy/protocol";
import { SEVERITY_LABEL, SEVERITY_ORDER } from "./insight-labels.js";
import { insightsIn, type WidgetDefinition } from "./widget-context.js";

/** Insights by severity, most severe first (every key present). */
export const severityCounts: WidgetDefinition = {
  uses: "range-and-lifecycle",
  compute(context) {
    const counts = new Map<InsightSeverity, number>(SEVERITY_ORDER.map((severity) => [severity, 0]));
    for (const insight of insightsIn(context)) counts.set(insight.severity, (counts.get(insight.severity) ?? 0) + 1);
    return { kind: "counts", rows: SEVERITY_ORDER.map((key) => ({ key, label: SEVERITY_LABEL[key], value: counts.get(key) ?? 0 })) };
  },
};
