import type { InsightsIngestedEvent, InsightSummary } from "@canopy/api";

/** What the insight side tells the live feed. */
export interface InsightEvents {
  /** An insight changed: acknowledged change, new pending change, refusal, or a new revision. */
  updated(summary: InsightSummary): void;
  /** A tenant's agent delivered a batch with `count` new or changed insights. */
  ingested(event: InsightsIngestedEvent): void;
}

/** Per-insight events for at most this many insights of one batch or reconnect; past that, the UI refreshes its list. */
export const LIVE_PER_INSIGHT_MAX = 200;
