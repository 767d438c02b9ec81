import type { InsightSummary, InsightsIngestedEvent } from "$lib/api";

export interface InsightEvent {
  seq: number;
  insight: InsightSummary;
}

/** Events kept for views that read them in arrears; a view further behind reloads instead. */
const LOG_MAX = 2_000;

/**
 * What the live feed says about insights (`insight.updated`, `insights.ingested`), numbered in
 * arrival order. Views apply `insight.updated` to the rows they show at once and reload
 * (throttled) when `revision` moves; a request remembers `seq` when it starts, so its answer
 * can be reconciled with whatever the feed said about the same insight meanwhile.
 */
class InsightActivity {
  /** Moves on every insight event and when the feed reopens (events may have been missed). */
  revision = $state(0);
  /** Moves when the feed (re)opens: views reload everything. */
  resyncs = $state(0);

  #seq = 0;
  #log: InsightEvent[] = [];
  /** The newest seq that fell out of the log. */
  #dropped = 0;
  #latest = new Map<string, InsightEvent>();

  /** The number of the last event; remember it before a request, pass it to `since`/`latestSince`. */
  get seq(): number {
    return this.#seq;
  }

  updated(insight: InsightSummary): void {
    const event = { seq: ++this.#seq, insight };
    this.#log.push(event);
    if (this.#log.length > LOG_MAX) this.#dropped = this.#log.splice(0, this.#log.length - LOG_MAX).at(-1)!.seq;
    this.#latest.delete(insight.id);
    this.#latest.set(insight.id, event);
    if (this.#latest.size > LOG_MAX) this.#latest.delete(this.#latest.keys().next().value!);
    this.revision += 1;
  }

  ingested(_event: InsightsIngestedEvent): void {
    this.#seq += 1;
    this.revision += 1;
  }

  feedOpened(): void {
    this.resyncs += 1;
    this.revision += 1;
  }

  /** `insight.updated` events after `seq`, oldest first; null when some have been dropped already. */
  since(seq: number): InsightEvent[] | null {
    if (seq < this.#dropped) return null;
    return this.#log.filter((event) => event.seq > seq);
  }

  /** The newest state the feed gave for this insight after `seq`, if any. */
  latestSince(id: string, seq: number): InsightSummary | undefined {
    const event = this.#latest.get(id);
    return event && event.seq > seq ? event.insight : undefined;
  }
}

export const insightActivity = new InsightActivity();
