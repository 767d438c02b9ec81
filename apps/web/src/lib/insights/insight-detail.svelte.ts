import { ApiError, errorMessage, insightsApi, type InsightDetail, type InsightSummary } from "$lib/api";
import { newer, reconcile } from "./freshness";
import { insightActivity } from "./insight-activity.svelte";

/**
 * One insight as the hub holds it (description, comments, fields). Live `insight.updated`
 * events for it update the summary fields at once; `refresh` fetches the rest again (a new
 * comment arrives with the agent's acknowledgement).
 */
export class InsightDetailState {
  insight = $state<InsightDetail | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  notFound = $state(false);

  #generation = 0;
  /** An event named this insight since the last load: its comments may have changed. */
  #stale = false;

  constructor(readonly id: string) {}

  async load(): Promise<void> {
    const generation = ++this.#generation;
    const startSeq = insightActivity.seq;
    this.loading = true;
    try {
      const answer = await insightsApi.getInsight(this.id);
      if (generation !== this.#generation) return;
      const live = insightActivity.latestSince(this.id, startSeq);
      this.insight = live ? { ...answer, ...reconcile<InsightSummary>(answer, live) } : answer;
      this.error = null;
      this.notFound = false;
    } catch (error) {
      if (generation !== this.#generation) return;
      this.notFound = error instanceof ApiError && error.status === 404;
      this.error = errorMessage(error);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** For the live feed: reload when an event named this insight, or when events may have been missed. */
  refresh = async (resync: boolean): Promise<void> => {
    if (!resync && !this.#stale) return;
    this.#stale = false;
    await this.load();
  };

  apply = (insights: readonly InsightSummary[]): void => {
    for (const insight of insights) {
      if (insight.id !== this.id || !this.insight) continue;
      this.#stale = true;
      this.insight = { ...this.insight, ...newer<InsightSummary>(this.insight, insight) };
    }
  };
}
