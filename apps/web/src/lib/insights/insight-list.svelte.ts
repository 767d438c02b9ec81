import { errorMessage, insightsApi, type InsightQuery, type InsightSummary } from "$lib/api";
import { newer, reconcile } from "./freshness";
import { insightActivity } from "./insight-activity.svelte";

export const LIST_PAGE_SIZE = 50;

/**
 * One page of the federated list for a query, with next/previous by cursor and the total over
 * all pages. A newer load wins over an older one still in flight; a quiet refresh reloads the
 * page shown (the live feed asks for it) without a loading state.
 */
export class InsightList {
  items = $state<InsightSummary[]>([]);
  total = $state(0);
  nextCursor = $state<string | null>(null);
  /** 0 for the first page. */
  pageIndex = $state(0);
  loaded = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);

  #query: () => InsightQuery = () => ({});
  /** The cursor of every page up to the one shown (null: the first). */
  #cursors: (string | null)[] = [null];
  #generation = 0;

  /** Loads the first page; `query` is read again on every refresh (relative time ranges move). */
  load(query: () => InsightQuery): Promise<void> {
    this.#query = query;
    this.#cursors = [null];
    return this.#fetch(false);
  }

  refresh(): Promise<void> {
    return this.#fetch(true);
  }

  next(): Promise<void> {
    if (!this.nextCursor || this.loading) return Promise.resolve();
    this.#cursors = [...this.#cursors.slice(0, this.pageIndex + 1), this.nextCursor];
    return this.#fetch(false);
  }

  previous(): Promise<void> {
    if (this.pageIndex === 0 || this.loading) return Promise.resolve();
    this.#cursors = this.#cursors.slice(0, this.pageIndex);
    return this.#fetch(false);
  }

  /** Live `insight.updated` events: rows shown take the newer state in place. */
  apply(insights: readonly InsightSummary[]): void {
    for (const insight of insights) {
      const index = this.items.findIndex((row) => row.id === insight.id);
      if (index !== -1) this.items[index] = newer(this.items[index]!, insight);
    }
  }

  /** The number of the first row shown (1-based), for "51–100 of 1,234". */
  get firstRow(): number {
    return this.items.length === 0 ? 0 : this.pageIndex * LIST_PAGE_SIZE + 1;
  }

  async #fetch(quiet: boolean): Promise<void> {
    const generation = ++this.#generation;
    const cursor = this.#cursors.at(-1) ?? null;
    const startSeq = insightActivity.seq;
    if (!quiet) this.loading = true;
    try {
      const page = await insightsApi.listInsights({ ...this.#query(), limit: LIST_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
      if (generation !== this.#generation) return;
      this.items = page.items.map((item) => reconcile(item, insightActivity.latestSince(item.id, startSeq)));
      this.total = page.total;
      this.nextCursor = page.nextCursor;
      this.pageIndex = this.#cursors.length - 1;
      this.loaded = true;
      this.error = null;
    } catch (error) {
      if (generation !== this.#generation) return;
      this.error = errorMessage(error);
      // A page that failed to open: stay on the one shown.
      if (!quiet) this.#cursors = this.#cursors.slice(0, this.pageIndex + 1);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }
}
