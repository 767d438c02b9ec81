import { contentLevel, contentSearchTexts, contentTags } from "../content-list.js";
import { contentNameKey } from "../content-repository.js";
import type { ContentItemRecord, ContentRevisionRecord } from "../content-records.js";

/** `canopy_content`'s columns, in the order `contentRow` gives them. */
export const CONTENT_COLUMNS = "id, kind, name_key, level, tags, search, doc";

/** Their types, for a VALUES list that is not an INSERT's (nothing else tells them). */
export const CONTENT_TYPES = ["text", "text", "text", "text", "text[]", "text[]", "json"] as const;

/** An item as a row: the columns the list filters and sorts by, computed by the hub. */
export const contentRow = (item: ContentItemRecord): unknown[] => [
  item.id,
  item.kind,
  contentNameKey(item.name),
  contentLevel(item),
  contentTags(item),
  contentSearchTexts(item),
  JSON.stringify(item),
];

/** `canopy_content_revisions`' columns, in the order `revisionRow` gives them. */
export const REVISION_COLUMNS = "item_id, revision, kind, doc";

export const revisionRow = (revision: ContentRevisionRecord): unknown[] => [revision.itemId, revision.revision, revision.kind, JSON.stringify(revision)];

/** Rows per statement: seven columns stay well within PostgreSQL's 65,535 parameters. */
const ROWS_PER_STATEMENT = 1000;

/** The list in pieces a statement each. */
export function* statementChunks<T>(list: readonly T[]): Generator<T[]> {
  for (let start = 0; start < list.length; start += ROWS_PER_STATEMENT) yield list.slice(start, start + ROWS_PER_STATEMENT);
}

/** `($1, $2), ($3, $4)` for the rows, each parameter cast to its column's type when `types` are given. */
export function valuesList(rows: readonly unknown[][], types: readonly string[] = []): { list: string; values: unknown[] } {
  const values: unknown[] = [];
  const list = rows.map((row) => `(${row.map((value, column) => `$${values.push(value)}${types[column] ? `::${types[column]}` : ""}`).join(", ")})`);
  return { list: list.join(", "), values };
}
