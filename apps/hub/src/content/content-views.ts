import type { ContentItem, ContentItemSummary, ContentRevision } from "@canopy/api";
import type { ContentItemRecord, ContentRevisionRecord } from "./content-records.js";
import type { SyncReader, SyncSummary } from "./sync-reader.js";

function fields(item: ContentItemRecord) {
  return {
    id: item.id,
    kind: item.kind,
    name: item.name,
    revision: item.revision,
    hash: item.hash,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
    createdBy: item.createdBy,
    updatedBy: item.updatedBy,
  };
}

const NOT_PUSHED: SyncSummary = { synchronized: false, total: 0, applied: 0, pending: 0, failed: 0, drifted: 0 };

/** Items as the API shows them (@canopy/api `ContentItem`), their sync state read in one go. */
export async function contentItemsJson(items: readonly ContentItemRecord[], sync: SyncReader): Promise<ContentItem[]> {
  const summaries = await sync.summaries(items);
  return items.map((item) => ({ ...fields(item), body: item.body, sync: summaries.get(item.id) ?? NOT_PUSHED }));
}

/** An item with the per-tenant detail of its sync state. */
export async function contentItemWithTenantsJson(item: ContentItemRecord, sync: SyncReader): Promise<ContentItem> {
  const [summaries, tenants] = await Promise.all([sync.summaries([item]), sync.detail(item.kind, item.id)]);
  return { ...fields(item), body: item.body, sync: { ...(summaries.get(item.id) ?? NOT_PUSHED), tenants } };
}

/** Items without their bodies (@canopy/api `ContentItemSummary`), as imports answer. */
export async function contentSummariesJson(items: readonly ContentItemRecord[], sync: SyncReader): Promise<ContentItemSummary[]> {
  const summaries = await sync.summaries(items);
  return items.map((item) => ({ ...fields(item), sync: summaries.get(item.id) ?? NOT_PUSHED }));
}

export function contentRevisionJson(revision: ContentRevisionRecord): ContentRevision {
  return {
    itemId: revision.itemId,
    kind: revision.kind,
    name: revision.name,
    revision: revision.revision,
    hash: revision.hash,
    body: revision.body,
    savedAt: revision.savedAt,
    savedBy: revision.savedBy,
  };
}
