import type { WidgetLifecycle, WidgetRange, WidgetType } from "@canopy/api";

// Written out (the compiler checks each record covers its union) because @canopy/api's runtime
// lists would bring zod into the bundle.

export const WIDGET_TYPE_LABELS: Record<WidgetType, string> = {
  "status-counts": "Insights by status",
  "severity-counts": "Insights by severity",
  "insights-over-time": "Insights over time",
  "tenant-table": "Insights per tenant",
  "top-rules": "Top rules",
  "top-techniques": "Top ATT&CK techniques",
  "node-health": "Node health",
  "push-outcomes": "Push outcomes",
};
export const WIDGET_TYPES = Object.keys(WIDGET_TYPE_LABELS) as WidgetType[];

export const RANGE_LABELS: Record<WidgetRange, string> = {
  "1h": "Last hour",
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  "90d": "Last 90 days",
  "365d": "Last 365 days",
  all: "All time",
};
export const WIDGET_RANGES = Object.keys(RANGE_LABELS) as WidgetRange[];

export const LIFECYCLE_LABELS: Record<WidgetLifecycle, string> = {
  created: "Created",
  updated: "Updated",
  closed: "Closed",
};
export const WIDGET_LIFECYCLES = Object.keys(LIFECYCLE_LABELS) as WidgetLifecycle[];

/** As the hub's exports say it, so the page and the PDF describe a widget alike. */
export const LIFECYCLE_PHRASES: Record<WidgetLifecycle, string> = {
  created: "by creation time",
  updated: "by last update",
  closed: "by closing time",
};

/** Seconds between refreshes, as the hub accepts them (0 = only when asked). */
export const REFRESH_CHOICES: readonly { seconds: number; label: string }[] = [
  { seconds: 0, label: "Manual only" },
  { seconds: 30, label: "Every 30 seconds" },
  { seconds: 60, label: "Every minute" },
  { seconds: 300, label: "Every 5 minutes" },
  { seconds: 900, label: "Every 15 minutes" },
  { seconds: 3600, label: "Every hour" },
];

/** Node health is the tenants' state now: no time range, no insight timestamp. */
export function usesRange(type: WidgetType): boolean {
  return type !== "node-health";
}

/** Only insight widgets pick which of an insight's timestamps the range bounds. */
export function usesLifecycle(type: WidgetType): boolean {
  return type !== "node-health" && type !== "push-outcomes";
}

export const GRID_COLUMNS = 12;
export const GRID_ROWS_MAX = 12;
