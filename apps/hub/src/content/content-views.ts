import type { ContentItem, ContentItemSummary, ContentRevision } from "@canopy/api";
import type { ContentItemRecord, ContentRevisionRecord } from "./content-records.js";
import type { SyncReader } from "./sync-reader.js";

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

/** An item as the API shows it (@canopy/api `ContentItem`). */
export function contentItemJson(item: ContentItemRecord, sync: SyncReader): ContentItem {
  return { ...fields(item), body: item.body, sync: sync.summary(item) };
}

/** An item with the per-tenant detail of its sync state. */
export async function contentItemWithTenantsJson(item: ContentItemRecord, sync: SyncReader): Promise<ContentItem> {
  const tenants = await sync.detail(item.kind, item.id);
  return { ...fields(item), body: item.body, sync: { ...sync.summary(item), tenants } };
}

/** An item without its body (@canopy/api `ContentItemSummary`), as imports answer. */
export function contentSummaryJson(item: ContentItemRecord, sync: SyncReader): ContentItemSummary {
  return { ...fields(item), sync: sync.summary(item) };
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
