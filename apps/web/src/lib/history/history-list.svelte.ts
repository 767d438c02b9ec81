import { errorMessage, pushesApi, type PushListQuery, type PushProgressEvent, type PushSummary } from "$lib/api";

export type HistoryFilters = Pick<PushListQuery, "createdBy" | "tenantId" | "kind" | "itemId" | "state">;

/** The push history for some filters, newest first, with more pages on demand. */
export class HistoryList {
  items = $state<PushSummary[]>([]);
  nextCursor = $state<string | null>(null);
  loaded = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);

  #filters: HistoryFilters = {};
  #generation = 0;

  async load(filters: HistoryFilters = this.#filters): Promise<void> {
    this.#filters = filters;
    const generation = ++this.#generation;
    this.loading = true;
    try {
      const page = await pushesApi.listPushes({ ...filters, limit: 50 });
      if (generation !== this.#generation) return;
      this.items = page.items;
      this.nextCursor = page.nextCursor;
      this.loaded = true;
      this.error = null;
    } catch (error) {
      if (generation === this.#generation) this.error = errorMessage(error);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  async loadMore(): Promise<void> {
    if (!this.nextCursor || this.loading) return;
    const generation = this.#generation;
    this.loading = true;
    try {
      const page = await pushesApi.listPushes({ ...this.#filters, limit: 50, cursor: this.nextCursor });
      if (generation !== this.#generation) return;
      this.items = [...this.items, ...page.items.filter((push) => !this.items.some((known) => known.id === push.id))];
      this.nextCursor = page.nextCursor;
    } catch (error) {
      if (generation === this.#generation) this.error = errorMessage(error);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** A `push.progress` from the live feed: true when the push is one we show (and was updated). */
  apply(event: PushProgressEvent): boolean {
    const push = this.items.find((known) => known.id === event.id);
    if (!push) return false;
    push.progress = event.progress;
    push.state = event.state;
    return true;
  }
}
