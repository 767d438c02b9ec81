import { untrack } from "svelte";
import type { InsightSummary } from "$lib/api";
import { insightActivity } from "./insight-activity.svelte";

export interface LiveInsightView {
  /** `insight.updated` events, oldest first: replace the rows shown (at once, no request). */
  apply(insights: InsightSummary[]): void;
  /**
   * Reload what is shown (throttled): new insights, counts, rows that left the filters.
   * `resync`: the feed reopened or the view fell behind, so events may have been missed.
   */
  refresh(resync: boolean): unknown;
}

/**
 * Keeps a view current with the live feed: every `insight.updated` is applied as it arrives, and
 * the view reloads at most once per `intervalMs` (and once after the last event) when insights
 * change or arrive, so a tenant delivering thousands of insights costs a few requests, not one
 * per batch. Call from a component's script: it registers effects.
 */
export function followInsightActivity(view: LiveInsightView, intervalMs = 1_500): void {
  let seen = insightActivity.seq;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let last = 0;
  let first = true;
  let resync = false;
  let seenResyncs = insightActivity.resyncs;

  const refreshSoon = () => {
    if (timer) return;
    // A short pause even when the last reload is long past, so a burst of events makes one request.
    const wait = Math.max(300, last + intervalMs - Date.now());
    timer = setTimeout(() => {
      timer = null;
      last = Date.now();
      const missed = resync;
      resync = false;
      void view.refresh(missed);
    }, wait);
  };

  $effect(() => {
    void insightActivity.revision;
    if (first) {
      first = false;
      return;
    }
    untrack(() => {
      const events = insightActivity.since(seen);
      seen = insightActivity.seq;
      if (events && events.length > 0) view.apply(events.map((event) => event.insight));
      if (!events || insightActivity.resyncs !== seenResyncs) resync = true;
      seenResyncs = insightActivity.resyncs;
      refreshSoon();
    });
  });

  $effect(() => () => {
    if (timer) clearTimeout(timer);
  });
}
