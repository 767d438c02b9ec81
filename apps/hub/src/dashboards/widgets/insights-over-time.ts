import { BUCKET_MS, bucketStarts, unitFor } from "../time-buckets.js";
import { SEVERITY_LABEL, SEVERITY_ORDER } from "./insight-labels.js";
import { scopeOf, type WidgetDefinition } from "./widget-context.js";

// "All time" with little history still draws a day's worth of buckets.
const MIN_OPEN_SPAN = 24 * 60 * 60 * 1000;

/**
 * Insights per time bucket, one series per severity. The bucket size follows the window
 * (1h → minutes, 24h/7d → hours, 30d/90d → days, 365d → weeks); every bucket is present, empty
 * ones as zeros. "All time" starts at the earliest insight counted. Insights dated after now
 * (see `InsightScope`) fall into the last bucket.
 */
export const insightsOverTime: WidgetDefinition = {
  uses: "range-and-lifecycle",
  async compute(context) {
    const { window } = context;
    const insights = context.sources.insights;
    const scope = scopeOf(context);
    const from = window.from ?? Math.min((await insights.earliest(scope)) ?? window.to, window.to - MIN_OPEN_SPAN);
    const unit = unitFor(from, window.to);
    const starts = bucketStarts(unit, from, window.to);
    const values = new Map(SEVERITY_ORDER.map((severity) => [severity, starts.map(() => 0)]));
    for (const { bucket, severity, count } of await insights.buckets(scope, { first: starts[0]!, size: BUCKET_MS[unit], count: starts.length })) {
      values.get(severity)![bucket]! += count;
    }
    return {
      kind: "series",
      bucket: unit,
      buckets: starts.map((start) => new Date(start).toISOString()),
      series: SEVERITY_ORDER.map((key) => ({ key, label: SEVERITY_LABEL[key], values: values.get(key)! })),
    };
  },
};
