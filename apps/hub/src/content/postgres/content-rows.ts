import { contentLevel, contentSearchTexts, contentTags } from "../content-list.js";
import { contentNameKey } from "../content-repository.js";
import type { ContentItemRecord, ContentRevisionRecord } from "../content-records.js";

/** `canopy_content`'s columns, in the order `contentRow` gives them. */
export const CONTENT_COLUMNS = "id, kind, name_key, level, tags, search, doc";

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
