import type { InsightStatus } from "@canopy/protocol";
import { STATUS_LABEL, STATUS_ORDER } from "./insight-labels.js";
import { scopeOf, type WidgetDefinition } from "./widget-context.js";

/** Insights by status (new, in progress, closed; every key present). */
export const statusCounts: WidgetDefinition = {
  uses: "range-and-lifecycle",
  async compute(context) {
    const counts = new Map<InsightStatus, number>(STATUS_ORDER.map((status) => [status, 0]));
    for (const { status, count } of await context.sources.insights.tally(scopeOf(context))) counts.set(status, counts.get(status)! + count);
    return { kind: "counts", rows: STATUS_ORDER.map((key) => ({ key, label: STATUS_LABEL[key], value: counts.get(key)! })) };
  },
};
