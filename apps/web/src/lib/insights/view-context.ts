import { getContext, setContext } from "svelte";
import type { InsightFilterState } from "./filter-state.svelte";

/** What the Insights layout gives its two views (list and board): the shared filters and the drawer. */
export interface InsightViewContext {
  filters: InsightFilterState;
  /** Opens the insight's detail in the drawer (kept in the address as `?open=`). */
  open(id: string): void;
}

const KEY = Symbol("insight-view");

export const provideInsightView = (context: InsightViewContext): InsightViewContext => setContext(KEY, context);
export const insightView = (): InsightViewContext => getContext<InsightViewContext>(KEY);
