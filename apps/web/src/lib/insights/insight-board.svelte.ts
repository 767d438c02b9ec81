import { errorMessage, insightsApi, type InsightQuery, type InsightStatus, type InsightSummary } from "$lib/api";
import type { InsightSort, SortOrder } from "./filters";
import { boardStatus, newer, optimisticMove, reconcile } from "./freshness";
import { insightActivity } from "./insight-activity.svelte";
import { STATUSES } from "./labels";
import { compareInsights } from "./sorting";
import { changeInsight } from "./write-back";

const COLUMN_PAGE = 50;
const COLUMN_MAX = 200;

interface ColumnPage {
  total: number;
  nextCursor: string | null;
  /** How many of this status were fetched (refreshes fetch as many again). */
  fetched: number;
}

export interface BoardColumn {
  status: InsightStatus;
  cards: InsightSummary[];
  /** Matching insights over all pages, counting cards on their way in or out of the column. */
  count: number;
  hasMore: boolean;
}

/**
 * The board: one query per status column (the same filters), cards in the column of their
 * pending status while a move waits for the tenant's agent. A move shows at once; the hub's
 * answer and then the agent's acknowledgement (live feed) replace the card.
 */
export class InsightBoard {
  loaded = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  /** Columns shown: every status, or those the status filter keeps. */
  statuses = $state<InsightStatus[]>([...STATUSES]);
  sort = $state<{ sort: InsightSort; order: SortOrder }>({ sort: "createdAt", order: "desc" });

  #cards = $state<InsightSummary[]>([]);
  #pages = $state<Partial<Record<InsightStatus, ColumnPage>>>({});
  #query: () => InsightQuery = () => ({});
  #generation = 0;
  /** Cards moved here and not answered by the hub yet: a reload in flight must not move them back. */
  #moving = new Map<string, InsightSummary>(); // eslint-disable-line svelte/prefer-svelte-reactivity -- bookkeeping, not shown

  readonly columns: BoardColumn[] = $derived.by(() => {
    const compare = compareInsights(this.sort.sort, this.sort.order);
    return this.statuses.map((status) => {
      const cards = this.#cards.filter((card) => boardStatus(card) === status).sort(compare);
      const arriving = cards.filter((card) => card.status !== status).length;
      const leaving = this.#cards.filter((card) => card.status === status && boardStatus(card) !== status).length;
      const page = this.#pages[status];
      return { status, cards, count: Math.max(0, (page?.total ?? 0) - leaving + arriving), hasMore: Boolean(page?.nextCursor) };
    });
  });

  load(query: () => InsightQuery, statuses: readonly InsightStatus[], sort: { sort: InsightSort; order: SortOrder }): Promise<void> {
    this.#query = query;
    this.statuses = statuses.length > 0 ? STATUSES.filter((status) => statuses.includes(status)) : [...STATUSES];
    this.sort = sort;
    this.#pages = {};
    return this.#fetchAll(false);
  }

  refresh(): Promise<void> {
    return this.#fetchAll(true);
  }

  async loadMore(status: InsightStatus): Promise<void> {
    const page = this.#pages[status];
    if (!page?.nextCursor) return;
    const generation = this.#generation;
    const startSeq = insightActivity.seq;
    try {
      const answer = await insightsApi.listInsights({ ...this.#query(), status: [status], limit: COLUMN_PAGE, cursor: page.nextCursor });
      if (generation !== this.#generation) return;
      const known = new Set(this.#cards.map((card) => card.id)); // eslint-disable-line svelte/prefer-svelte-reactivity -- a local lookup
      const added = answer.items.filter((item) => !known.has(item.id)).map((item) => reconcile(item, insightActivity.latestSince(item.id, startSeq)));
      this.#cards = [...this.#cards, ...added];
      this.#pages[status] = { total: answer.total, nextCursor: answer.nextCursor, fetched: page.fetched + answer.items.length };
    } catch (error) {
      if (generation === this.#generation) this.error = errorMessage(error);
    }
  }

  /** Live `insight.updated` events: cards shown take the newer state (and move column if they must). */
  apply(insights: readonly InsightSummary[]): void {
    for (const insight of insights) {
      const index = this.#cards.findIndex((card) => card.id === insight.id);
      if (index !== -1) this.#cards[index] = newer(this.#cards[index]!, insight);
    }
  }

  card(id: string): InsightSummary | undefined {
    return this.#cards.find((card) => card.id === id);
  }

  /**
   * Moves a card: it shows in `to` as pending at once; the hub's answer replaces it (pending,
   * sent or queued), the agent's acknowledgement makes it acknowledged. A refused move puts the
   * card back and throws.
   */
  async move(id: string, to: InsightStatus): Promise<void> {
    const index = this.#cards.findIndex((card) => card.id === id);
    if (index === -1 || boardStatus(this.#cards[index]!) === to) return;
    const before = $state.snapshot(this.#cards[index]!) as InsightSummary;
    const moved = optimisticMove(before, to, Date.now());
    this.#cards[index] = moved;
    this.#moving.set(id, moved);
    try {
      await changeInsight(id, { status: to });
    } catch (error) {
      const at = this.#cards.findIndex((card) => card.id === id);
      // Back where it was, unless the feed has said something about it meanwhile.
      const current = this.#cards[at];
      if (current && current.revision === before.revision && current.pending?.requestedAt === moved.pending!.requestedAt) this.#cards[at] = before;
      throw error;
    } finally {
      if (this.#moving.get(id) === moved) this.#moving.delete(id);
    }
  }

  async #fetchAll(quiet: boolean): Promise<void> {
    const generation = ++this.#generation;
    const startSeq = insightActivity.seq;
    const statuses = this.statuses;
    if (!quiet) this.loading = true;
    try {
      const query = this.#query();
      const answers = await Promise.all(
        statuses.map((status) => {
          const fetched = this.#pages[status]?.fetched ?? 0;
          return insightsApi.listInsights({ ...query, status: [status], limit: Math.min(COLUMN_MAX, Math.max(COLUMN_PAGE, fetched)) });
        }),
      );
      if (generation !== this.#generation) return;
      const byId = new Map<string, InsightSummary>(); // eslint-disable-line svelte/prefer-svelte-reactivity -- a local lookup
      const pages: Partial<Record<InsightStatus, ColumnPage>> = {};
      statuses.forEach((status, i) => {
        const answer = answers[i]!;
        for (const item of answer.items) {
          byId.set(item.id, this.#moving.get(item.id) ?? reconcile(item, insightActivity.latestSince(item.id, startSeq)));
        }
        pages[status] = { total: answer.total, nextCursor: answer.nextCursor, fetched: answer.items.length };
      });
      this.#cards = [...byId.values()];
      this.#pages = pages;
      this.loaded = true;
      this.error = null;
    } catch (error) {
      if (generation === this.#generation) this.error = errorMessage(error);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }
}
