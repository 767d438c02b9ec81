import type { WidgetLifecycle, WidgetRange } from "@canopy/api";
import type { InsightTimeField } from "../insights/insight-source.js";

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

const RANGE_MS: Record<Exclude<WidgetRange, "all">, number> = {
  "1h": HOUR,
  "24h": DAY,
  "7d": 7 * DAY,
  "30d": 30 * DAY,
  "90d": 90 * DAY,
  "365d": 365 * DAY,
};

/** `[from, to)` in epoch ms; `from` null means since the beginning. */
export interface TimeWindow {
  from: number | null;
  to: number;
}

/** A range preset ending now. */
export function windowOf(range: WidgetRange, now: number): TimeWindow {
  return { from: range === "all" ? null : now - RANGE_MS[range], to: now };
}

/** Which insight timestamp the window bounds. */
export const LIFECYCLE_FIELD: Record<WidgetLifecycle, InsightTimeField> = {
  created: "createdAt",
  updated: "updatedAt",
  closed: "closedAt",
};

export const RANGE_LABEL: Record<WidgetRange, string> = {
  "1h": "Last hour",
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  "90d": "Last 90 days",
  "365d": "Last 365 days",
  all: "All time",
};

export const LIFECYCLE_LABEL: Record<WidgetLifecycle, string> = {
  created: "by creation time",
  updated: "by last update",
  closed: "by closing time",
};
