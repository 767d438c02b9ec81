import { problems } from "../core/problem-error.js";
import type { ContentItemRecord } from "./content-records.js";

export interface ContentListQuery {
  limit: number;
  cursor?: string | undefined;
  /** Case-insensitive text in the name, description, tags (and a Sigma rule's id). */
  q?: string | undefined;
  /** SIEM rules: the Sigma `level`. */
  level?: string | undefined;
  /** SIEM rules: one of the Sigma `tags`. */
  tag?: string | undefined;
}

/** Where a page starts: after this (lower-cased name, id). */
export type ContentCursor = [nameKey: string, id: string];

export function encodeCursor(item: ContentItemRecord): string {
  return Buffer.from(JSON.stringify([item.name.toLowerCase(), item.id] satisfies ContentCursor)).toString("base64url");
}

export function decodeCursor(cursor: string): ContentCursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "string")) return value as ContentCursor;
  } catch {
    // fall through
  }
  throw problems.invalid([{ path: "cursor", message: "not a cursor from this API" }]);
}

/** By code unit, as PostgreSQL's "C" collation orders the same strings. */
function compareKey(a: ContentCursor, b: ContentCursor): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/** The searchable members every kind may have (read loosely: bodies differ per kind). */
interface SearchableBody {
  description?: unknown;
  tags?: unknown;
  level?: unknown;
  id?: unknown;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

/** The item's tags, as the `tag` filter matches them (exactly). */
export const contentTags = (item: ContentItemRecord): string[] => stringsOf((item.body as SearchableBody).tags);

/** A SIEM rule's `level`, as the `level` filter matches it. */
export function contentLevel(item: ContentItemRecord): string | null {
  const level = (item.body as SearchableBody).level;
  return typeof level === "string" ? level : null;
}

/** The lower-cased texts `q` looks in: name, description, tags, and a Sigma rule's id. */
export function contentSearchTexts(item: ContentItemRecord): string[] {
  const body = item.body as SearchableBody;
  const texts = [item.name, ...stringsOf([body.description]), ...stringsOf(body.tags)];
  if (item.kind === "siem-rule") texts.push(...stringsOf([body.id]));
  return texts.map((text) => text.toLowerCase());
}

/** The needle `q` asks for, or undefined when it asks for nothing. */
export const contentNeedle = (query: ContentListQuery): string | undefined => query.q?.trim().toLowerCase() || undefined;

export function matchesListQuery(item: ContentItemRecord, query: ContentListQuery): boolean {
  if (query.level !== undefined && contentLevel(item) !== query.level) return false;
  if (query.tag !== undefined && !contentTags(item).includes(query.tag)) return false;
  const needle = contentNeedle(query);
  return needle === undefined || contentSearchTexts(item).some((text) => text.includes(needle));
}

/** Sorted by name (case-insensitive) then id; `cursor` continues after the previous page. */
export function pageByName<T extends ContentItemRecord>(items: T[], query: ContentListQuery): { items: T[]; nextCursor: string | null } {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const keyed = items
    .map((item) => ({ item, key: [item.name.toLowerCase(), item.id] as ContentCursor }))
    .filter(({ key }) => after === undefined || compareKey(key, after) > 0)
    .sort((a, b) => compareKey(a.key, b.key));
  const page = keyed.slice(0, query.limit).map(({ item }) => item);
  const nextCursor = keyed.length > query.limit ? encodeCursor(page[page.length - 1]!) : null;
  return { items: page, nextCursor };
}

/** A page from rows already filtered and sorted, one more than the limit when there are more. */
export function pageOf<T extends ContentItemRecord>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]!) : null };
}
