import { contentApi, errorMessage, type ContentItem, type ContentListQuery, type ContentPath } from "$lib/api";

const PAGE_SIZE = 100;

/**
 * One kind's list as a page shows it: the first page for the current filters, more on demand,
 * and a quiet refresh of what is shown (sync states move while pushes run). A newer load wins
 * over an older one still in flight.
 */
export class ContentList<Body = unknown> {
  items = $state<ContentItem<Body>[]>([]);
  nextCursor = $state<string | null>(null);
  loaded = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);

  #generation = 0;
  #query: ContentListQuery = {};

  constructor(readonly kind: ContentPath) {}

  /** Loads the first page for these filters. */
  async load(query: ContentListQuery = this.#query): Promise<void> {
    this.#query = query;
    await this.#fetch(PAGE_SIZE, false);
  }

  /** Reloads as many items as are shown, keeping the filters, without a loading state. */
  async refresh(): Promise<void> {
    await this.#fetch(Math.min(200, Math.max(PAGE_SIZE, this.items.length)), true);
  }

  async loadMore(): Promise<void> {
    if (!this.nextCursor || this.loading) return;
    const generation = this.#generation;
    this.loading = true;
    try {
      const page = await contentApi.listContent<Body>(this.kind, { ...this.#query, limit: PAGE_SIZE, cursor: this.nextCursor });
      if (generation !== this.#generation) return;
      const known = new Set(this.items.map((item) => item.id)); // eslint-disable-line svelte/prefer-svelte-reactivity -- a local lookup, not state
      this.items = [...this.items, ...page.items.filter((item) => !known.has(item.id))];
      this.nextCursor = page.nextCursor;
    } catch (error) {
      if (generation === this.#generation) this.error = errorMessage(error);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** Shows a saved item at once (create, edit), without waiting for a reload. */
  upsert(item: ContentItem<Body>): void {
    const index = this.items.findIndex((existing) => existing.id === item.id);
    if (index === -1) this.items = [item, ...this.items];
    else this.items[index] = item;
  }

  remove(id: string): void {
    this.items = this.items.filter((item) => item.id !== id);
  }

  async #fetch(limit: number, quiet: boolean): Promise<void> {
    const generation = ++this.#generation;
    if (!quiet) this.loading = true;
    try {
      const page = await contentApi.listContent<Body>(this.kind, { ...this.#query, limit });
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
}
