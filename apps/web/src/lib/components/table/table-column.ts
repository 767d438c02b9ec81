import type { Snippet } from "svelte";

/** One column of a `Table`: its header and a snippet that draws its cell for a row. */
export interface TableColumn<Row> {
  /** Unique in the table; also `data-column` on its cells. */
  key: string;
  /** The header's text; the accessible name of the column even when `hideLabel` or `header` draw something else. */
  label: string;
  /** An actions column: the label is for screen readers only. */
  hideLabel?: boolean;
  /** A header drawn by the page (a sort button); `label` is then its fallback. */
  header?: Snippet;
  cell: Snippet<[Row]>;
  /** Numbers are right-aligned with tabular figures. */
  align?: "start" | "end";
  /** A CSS width for the column (`120px`, `1%` for "as narrow as its content"). */
  width?: string;
  /** Classes for every cell of the column (`mono`, `muted`, `actions`, or the page's own); the header keeps its look. */
  class?: string;
  /** `aria-sort` of a sorted column. */
  sort?: "ascending" | "descending";
}

/** Ticks beside each row for a bulk action; the set holds the rows' keys. */
export interface TableSelection<Row> {
  selected: Set<string>;
  /** The accessible name of a row's tick box ("Select Acme Corp"). */
  rowLabel: (row: Row) => string;
  /** The accessible name of the header's tick box, which ticks every row shown. */
  allLabel: string;
}
