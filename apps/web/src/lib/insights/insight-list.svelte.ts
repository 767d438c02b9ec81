import { errorMessage, insightsApi, type InsightQuery, type InsightSummary } from "$lib/api";
import { newer, reconcile } from "./freshness";
import { insightActivity } from "./insight-activity.svelte";

export const LIST_PAGE_SIZE = 50;

/** A page of the list as the address names it (`?page=3&cursor=…`): its number and its cursor. */
export interface ListPosition {
  /** 1 for the first page. */
  page: number;
  cursor: string;
}

/** The position in an address, or null for the first page (or one that names no valid page). */
export function positionFrom(params: URLSearchParams): ListPosition | null {
  const page = Number(params.get("page"));
  const cursor = params.get("cursor");
  return Number.isInteger(page) && page > 1 && cursor ? { page, cursor } : null;
}

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
  /**
   * The cursor of every page up to the one shown (null: the first). A page opened by its address
   * knows only its own cursor: the ones before it are `undefined` until Previous needs them.
   */
  #cursors: (string | null | undefined)[] = [null];
  #generation = 0;
  /** The cursor the page shown was asked with (null: the first page). */
  #shownCursor = $state<string | null>(null);

  /**
   * Loads the first page, or the page `at` names (a reload, a shared link); `query` is read again
   * on every refresh (relative time ranges move).
   */
  async load(query: () => InsightQuery, at: ListPosition | null = null): Promise<void> {
    this.#query = query;
    this.#cursors = [null];
    if (at) this.#cursors[at.page - 1] = at.cursor;
    await this.#fetch(false);
    // A cursor the hub no longer takes (made for another sort, or by another version): the
    // page is found again by walking from the first, as its number is all that still holds.
    if (at && this.pageIndex !== at.page - 1) await this.#openByWalking(at.page - 1);
  }

  /** The page shown, as the address keeps it; null on the first page. */
  get position(): ListPosition | null {
    const cursor = this.#shownCursor;
    return this.pageIndex > 0 && cursor ? { page: this.pageIndex + 1, cursor } : null;
  }

  refresh(): Promise<void> {
    return this.#fetch(true);
  }

  next(): Promise<void> {
    if (!this.nextCursor || this.loading) return Promise.resolve();
    this.#cursors = [...this.#cursors.slice(0, this.pageIndex + 1), this.nextCursor];
    return this.#fetch(false);
  }

  async previous(): Promise<void> {
    if (this.pageIndex === 0 || this.loading) return;
    const target = this.pageIndex - 1;
    if (this.#cursors[target] !== undefined) {
      this.#cursors = this.#cursors.slice(0, target + 1);
      return this.#fetch(false);
    }
    return this.#openByWalking(target);
  }

  /**
   * Opens page `target` (0-based) whose cursor is not known, by asking for the pages before it
   * from the nearest one known; if the list has fewer pages now, the last one.
   */
  async #openByWalking(target: number): Promise<void> {
    const generation = this.#generation;
    this.loading = true;
    let index = target;
    while (index > 0 && this.#cursors[index] === undefined) index -= 1;
    try {
      for (; index < target; index += 1) {
        const cursor = this.#cursors[index];
        const page = await insightsApi.listInsights({ ...this.#query(), limit: LIST_PAGE_SIZE, ...(cursor ? { cursor } : {}) });
        if (generation !== this.#generation) return;
        if (!page.nextCursor) break;
        this.#cursors[index + 1] = page.nextCursor;
      }
    } catch (error) {
      if (generation !== this.#generation) return;
      this.error = errorMessage(error);
      this.loading = false;
      return;
    }
    this.#cursors = this.#cursors.slice(0, index + 1);
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
      this.#shownCursor = cursor;
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
