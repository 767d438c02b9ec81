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

type Cursor = [nameKey: string, id: string];

function encodeCursor(item: ContentItemRecord): string {
  return Buffer.from(JSON.stringify([item.name.toLowerCase(), item.id] satisfies Cursor)).toString("base64url");
}

function decodeCursor(cursor: string): Cursor {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === "string")) return value as Cursor;
  } catch {
    // fall through
  }
  throw problems.invalid([{ path: "cursor", message: "not a cursor from this API" }]);
}

function compareKey(a: Cursor, b: Cursor): number {
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

export function matchesListQuery(item: ContentItemRecord, query: ContentListQuery): boolean {
  const body = item.body as SearchableBody;
  if (query.level !== undefined && body.level !== query.level) return false;
  if (query.tag !== undefined && !stringsOf(body.tags).includes(query.tag)) return false;
  const needle = query.q?.trim().toLowerCase();
  if (!needle) return true;
  const texts = [item.name, ...stringsOf([body.description]), ...stringsOf(body.tags)];
  if (item.kind === "siem-rule") texts.push(...stringsOf([body.id]));
  return texts.some((text) => text.toLowerCase().includes(needle));
}

/** Sorted by name (case-insensitive) then id; `cursor` continues after the previous page. */
export function pageByName<T extends ContentItemRecord>(items: T[], query: ContentListQuery): { items: T[]; nextCursor: string | null } {
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const keyed = items
    .map((item) => ({ item, key: [item.name.toLowerCase(), item.id] as Cursor }))
    .filter(({ key }) => after === undefined || compareKey(key, after) > 0)
    .sort((a, b) => compareKey(a.key, b.key));
  const page = keyed.slice(0, query.limit).map(({ item }) => item);
  const nextCursor = keyed.length > query.limit ? encodeCursor(page[page.length - 1]!) : null;
  return { items: page, nextCursor };
}
