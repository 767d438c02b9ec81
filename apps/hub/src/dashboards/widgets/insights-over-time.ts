import type { InsightSeverity } from "@canopy/protocol";
import { BUCKET_MS, bucketStarts, unitFor } from "../time-buckets.js";
import { SEVERITY_LABEL, SEVERITY_ORDER } from "./insight-labels.js";
import { insightsIn, type WidgetDefinition } from "./widget-context.js";

// "All time" with little history still draws a day's worth of buckets.
const MIN_OPEN_SPAN = 24 * 60 * 60 * 1000;

/**
 * Insights per time bucket, one series per severity. The bucket size follows the window
 * (1h → minutes, 24h/7d → hours, 30d/90d → days, 365d → weeks); every bucket is present, empty
 * ones as zeros. "All time" starts at the earliest insight counted. Insights dated after now
 * (see `insightsIn`) fall into the last bucket.
 */
export const insightsOverTime: WidgetDefinition = {
  uses: "range-and-lifecycle",
  compute(context) {
    const { field, window } = context;
    const times: number[] = [];
    const severities: InsightSeverity[] = [];
    let earliest = window.to;
    for (const insight of insightsIn(context)) {
      const at = insight[field]!;
      times.push(at);
      severities.push(insight.severity);
      if (at < earliest) earliest = at;
    }
    const from = window.from ?? Math.min(earliest, window.to - MIN_OPEN_SPAN);
    const unit = unitFor(from, window.to);
    const starts = bucketStarts(unit, from, window.to);
    const values = new Map<InsightSeverity, number[]>(SEVERITY_ORDER.map((severity) => [severity, starts.map(() => 0)]));
    for (let i = 0; i < times.length; i++) {
      // Stamped after now (a fast agent clock): the last bucket, where it belongs on the hub's clock.
      const bucket = Math.min(starts.length - 1, Math.floor((times[i]! - starts[0]!) / BUCKET_MS[unit]));
      values.get(severities[i]!)![bucket]!++;
    }
    return {
      kind: "series",
      bucket: unit,
      buckets: starts.map((start) => new Date(start).toISOString()),
      series: SEVERITY_ORDER.map((key) => ({ key, label: SEVERITY_LABEL[key], values: values.get(key)! })),
    };
  },
};
