import { activeFilterCount, emptyFilters, filterSearch, insightQuery, parseFilters, type InsightFilters } from "./filters";

/**
 * The filters the list and the board share (one filter bar above both tabs), read from and
 * written to the address so a view is shareable and survives a reload.
 */
export class InsightFilterState {
  filters = $state<InsightFilters>(emptyFilters());

  readonly search = $derived(filterSearch(this.filters));
  readonly activeCount = $derived(activeFilterCount(this.filters));

  constructor(params: URLSearchParams) {
    this.filters = parseFilters(params);
  }

  /** Takes the address's filters when they differ (a link, back/forward, the main menu). */
  follow(params: URLSearchParams): void {
    const next = parseFilters(params);
    if (filterSearch(next) !== this.search) this.filters = next;
  }

  /** Every filter off; the sort stays. */
  clear(): void {
    this.filters = { ...emptyFilters(), sort: this.filters.sort, order: this.filters.order };
  }

  /** The `GET /insights` query now (a relative time range is measured from the moment asked). */
  query = () => insightQuery(this.filters, Date.now());
}
