import { API_BASE, request, type RequestOptions } from "./client";
import type { Page } from "./types";
import type {
  ContentItem,
  ContentListQuery,
  ContentPath,
  ContentRevision,
  ImportFile,
  ImportResult,
  RollbackBody,
} from "./content-types";
import { queryString } from "./query-string";

type Signal = Pick<RequestOptions, "signal">;

const itemPath = (kind: ContentPath, id: string) => `/content/${kind}/${encodeURIComponent(id)}`;

export const listContent = <Body = unknown>(kind: ContentPath, query: ContentListQuery = {}, options: Signal = {}) =>
  request<Page<ContentItem<Body>>>("GET", `/content/${kind}${queryString({ ...query })}`, options);

/** Every item of a kind, following `nextCursor` (library trees and pickers need them all). */
export async function listAllContent<Body = unknown>(kind: ContentPath, query: Omit<ContentListQuery, "cursor"> = {}, options: Signal = {}) {
  const all: ContentItem<Body>[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<ContentItem<Body>> = await listContent<Body>(kind, { ...query, cursor }, options);
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

export const getContent = <Body = unknown>(kind: ContentPath, id: string, options: Signal = {}) =>
  request<ContentItem<Body>>("GET", itemPath(kind, id), options);

/** The body is the kind's document itself; the hub answers 422 with `errors: [{path, message}]`. */
export const createContent = <Body = unknown>(kind: ContentPath, body: Body) =>
  request<ContentItem<Body>>("POST", `/content/${kind}`, { body });

export const updateContent = <Body = unknown>(kind: ContentPath, id: string, body: Body) =>
  request<ContentItem<Body>>("PUT", itemPath(kind, id), { body });

export const deleteContent = (kind: ContentPath, id: string) => request<null>("DELETE", itemPath(kind, id));

export async function listRevisions<Body = unknown>(kind: ContentPath, id: string, options: Signal = {}) {
  const answer = await request<Page<ContentRevision<Body>> | ContentRevision<Body>[]>("GET", `${itemPath(kind, id)}/revisions`, options);
  const items = Array.isArray(answer) ? answer : answer.items;
  return [...items].sort((a, b) => b.revision - a.revision);
}

/** Puts the given tenants (or every tenant holding the item) back on an older revision: a push. */
export const rollback = (kind: ContentPath, id: string, body: RollbackBody) =>
  request<{ id: string }>("POST", `${itemPath(kind, id)}/rollback`, { body });

/** Sigma YAML (one rule or a stream) and CACAO JSON files, many at once. */
export const importFiles = (files: ImportFile[]) => request<ImportResult>("POST", "/content/import", { body: { files } });

/** Same-origin address the browser downloads the CACAO file from (session cookie included). */
export const playbookExportUrl = (id: string) => `${API_BASE}${itemPath("playbooks", id)}/export`;
