import type { InsightStatus } from "@canopy/protocol";
import { STATUS_LABEL, STATUS_ORDER } from "./insight-labels.js";
import { insightsIn, type WidgetDefinition } from "./widget-context.js";

/** Insights by status (new, in progress, closed; every key present). */
export const statusCounts: WidgetDefinition = {
  uses: "range-and-lifecycle",
  compute(context) {
    const counts = new Map<InsightStatus, number>(STATUS_ORDER.map((status) => [status, 0]));
    for (const insight of insightsIn(context)) counts.set(insight.status, (counts.get(insight.status) ?? 0) + 1);
    return { kind: "counts", rows: STATUS_ORDER.map((key) => ({ key, label: STATUS_LABEL[key], value: counts.get(key) ?? 0 })) };
  },
};
