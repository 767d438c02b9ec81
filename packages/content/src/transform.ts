import { type ContentBodyByKind, type ContentKind } from "./kinds.js";
import { ADMIN_RECOMMENDED_FOLDER, type LibraryItem } from "./library.js";
import { contentName } from "./validate.js";

export type PushOptions = {
  /** `ignore`: scheduled searches are pushed as saved searches (no schedule, no connection). */
  scheduledSearches: "include" | "ignore";
  /** `ignore`: scheduled reports are pushed as saved reports (no schedule). */
  scheduledReports: "include" | "ignore";
};

export const DEFAULT_PUSH_OPTIONS: PushOptions = { scheduledSearches: "include", scheduledReports: "include" };

export type PushedItem<K extends ContentKind = ContentKind> = { kind: K; name: string; body: ContentBodyByKind[K] };

/**
 * The item as a tenant receives it. Library items move under the tenant's "Admin Recommended"
 * folder and follow the scheduled-search / scheduled-report options; other kinds go unchanged.
 * Apply it once, to a stored (unprefixed) item: the hub hashes and delivers the result.
 */
export function transformForPush<K extends ContentKind>(kind: K, body: ContentBodyByKind[K], options: PushOptions = DEFAULT_PUSH_OPTIONS): PushedItem<K> {
  if (kind !== "library") return { kind, name: contentName(kind, body), body };
  const item = transformLibraryItem(body as LibraryItem, options);
  return { kind, name: item.path, body: item as ContentBodyByKind[K] };
}

function transformLibraryItem(item: LibraryItem, options: PushOptions): LibraryItem {
  const path = `${ADMIN_RECOMMENDED_FOLDER}/${item.path}`;
  if (item.type === "scheduled-search" && options.scheduledSearches === "ignore") {
    const { schedule: _schedule, connection: _connection, ...rest } = item;
    return { ...rest, type: "saved-search", path };
  }
  if (item.type === "scheduled-report" && options.scheduledReports === "ignore") {
    const { schedule: _schedule, connection: _connection, ...rest } = item;
    return { ...rest, type: "saved-report", path };
  }
  return { ...item, path };
}
