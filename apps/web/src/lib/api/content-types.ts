// The content and push shapes of the hub's API, from @canopy/api (types only, so no zod reaches
// the bundle), with the UI's own refinements: items whose body type the caller knows.

import type {
  ContentItem as ApiContentItem,
  ContentListQuery as ApiContentListQuery,
  ContentRevision as ApiContentRevision,
  TenantSync,
} from "@canopy/api";

export type {
  ContentImportFile as ImportFile,
  ContentImportRefusal as ImportRefusal,
  ContentImportResult as ImportResult,
  ContentItemSummary,
  ContentKind,
  ContentPath,
  ContentSync as SyncState,
  TenantSync,
} from "@canopy/api";

export type TenantSyncState = TenantSync["state"];

/** Every filter is optional for a caller; the hub fills in the page size. */
export type ContentListQuery = Partial<Omit<ApiContentListQuery, "cursor">> & { cursor?: string | null };

/** An item whose body the caller knows the type of (the kind's document from @canopy/content). */
export type ContentItem<Body = unknown> = Omit<ApiContentItem, "body"> & { body: Body };
export type ContentRevision<Body = unknown> = Omit<ApiContentRevision, "body"> & { body: Body };

export type {
  DryRunPlan,
  PlanAction,
  Push,
  PushCreate,
  PushCreated,
  PushItemRef,
  PushListQuery,
  PushOptions,
  PushProgress,
  PushProgressEvent,
  PushResult,
  PushResultStatus,
  PushResultsEvent,
  PushRetried,
  PushState,
  PushSummary,
  PushTargets,
  RollbackBody,
} from "@canopy/api";
