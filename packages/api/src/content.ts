import { z } from "@hono/zod-openapi";
import { CONTENT_KINDS } from "@canopy/protocol";
import {
  CONTENT_FILE_NAME_MAX,
  CONTENT_FILTER_MAX,
  CONTENT_IMPORT_FILES_MAX,
  ID_MAX,
  SEARCH_MAX,
} from "./limits.js";
import { pageOf, pageQuery } from "./paging.js";

/** The kind of a content item, as stored and pushed (`custom-field`, …). */
export const ContentKindSchema = z.enum(CONTENT_KINDS).openapi("ContentKind");
export type ContentKind = z.infer<typeof ContentKindSchema>;

/** The kind as it appears in paths: `/content/{kind}`. */
export const CONTENT_PATHS = ["playbooks", "custom-fields", "siem-rules", "tuning-expressions", "library"] as const;
export const ContentPathSchema = z.enum(CONTENT_PATHS).openapi("ContentPath");
export type ContentPath = z.infer<typeof ContentPathSchema>;

const kindParam = ContentPathSchema.openapi({ param: { name: "kind", in: "path" } });
const idParam = z
  .string()
  .min(1)
  .max(ID_MAX)
  .openapi({ param: { name: "id", in: "path" }, example: "cnt_Xo2fL9aQk3VbR1sd" });

/** `{kind}` in `/content/{kind}`. */
export const ContentKindParamSchema = z.object({ kind: kindParam });
/** `{kind}` and `{id}` in `/content/{kind}/{id}`. */
export const ContentItemParamSchema = z.object({ kind: kindParam, id: idParam });

/** Sync state over an item's targets: the tenants whose desired state holds it. */
export const ContentSyncSummarySchema = z
  .object({
    /** total > 0 and every target holds the current revision, undrifted. */
    synchronized: z.boolean(),
    total: z.number().int(),
    applied: z.number().int(),
    pending: z.number().int(),
    failed: z.number().int(),
    drifted: z.number().int(),
  })
  .openapi("ContentSyncSummary");
export type ContentSyncSummary = z.infer<typeof ContentSyncSummarySchema>;

export const TENANT_SYNC_STATES = ["applied", "pending", "failed", "drifted"] as const;

/** One target tenant of an item (`GET /content/{kind}/{id}` only). */
export const TenantSyncSchema = z
  .object({
    tenantId: z.string(),
    tenantName: z.string(),
    state: z.enum(TENANT_SYNC_STATES),
    /** The revision the tenant holds or is to hold. */
    revision: z.number().int(),
    error: z.string().optional(),
  })
  .openapi("TenantSync");
export type TenantSync = z.infer<typeof TenantSyncSchema>;

export const ContentSyncSchema = ContentSyncSummarySchema.extend({
  tenants: z.array(TenantSyncSchema).optional().openapi({ description: "Per tenant; on `GET /content/{kind}/{id}` only" }),
}).openapi("ContentSync");
export type ContentSync = z.infer<typeof ContentSyncSchema>;

const itemFields = {
  id: z.string().openapi({ example: "cnt_Xo2fL9aQk3VbR1sd" }),
  kind: ContentKindSchema,
  /** Unique per kind (ignoring case): playbook name, field name, rule title, library path. */
  name: z.string(),
  revision: z.number().int(),
  hash: z.string().openapi({ example: `sha256:${"0".repeat(64)}` }),
  createdAt: z.string().openapi({ format: "date-time" }),
  updatedAt: z.string().openapi({ format: "date-time" }),
  createdBy: z.string(),
  updatedBy: z.string(),
};

/** A content item with its body and sync state. */
export const ContentItemSchema = z
  .object({
    ...itemFields,
    body: z.unknown().openapi({ description: "The kind's document (see @canopy/content)" }),
    sync: ContentSyncSchema,
  })
  .openapi("ContentItem");
export type ContentItem = z.infer<typeof ContentItemSchema>;

/** An item without its body, as imports list what they did. */
export const ContentItemSummarySchema = z.object({ ...itemFields, sync: ContentSyncSummarySchema }).openapi("ContentItemSummary");
export type ContentItemSummary = z.infer<typeof ContentItemSummarySchema>;

export const ContentItemListSchema = pageOf(ContentItemSchema).openapi("ContentItemList");
export type ContentItemList = z.infer<typeof ContentItemListSchema>;

/** Body of `POST /content/{kind}` and `PUT /content/{kind}/{id}`: the kind's document, checked by the hub. */
export const ContentBodySchema = z
  .record(z.string(), z.unknown())
  .openapi("ContentBody", { description: "A playbook (CACAO 2.0), custom field, Sigma rule, tuning expression or library item" });
export type ContentBody = z.input<typeof ContentBodySchema>;

/** Query of `GET /content/{kind}`: by name; `level` and `tag` filter SIEM rules. */
export const ContentListQuerySchema = z.object({
  ...pageQuery,
  q: z.string().max(SEARCH_MAX).optional().openapi({ description: "Text in the name, description or tags" }),
  level: z.string().max(CONTENT_FILTER_MAX).optional().openapi({ description: "Sigma level (SIEM rules)" }),
  tag: z.string().max(CONTENT_FILTER_MAX).optional().openapi({ description: "Sigma tag (SIEM rules)" }),
});
export type ContentListQuery = z.infer<typeof ContentListQuerySchema>;

/** One saved revision of an item. */
export const ContentRevisionSchema = z
  .object({
    itemId: z.string(),
    kind: ContentKindSchema,
    name: z.string(),
    revision: z.number().int(),
    hash: z.string(),
    body: z.unknown(),
    savedAt: z.string().openapi({ format: "date-time" }),
    savedBy: z.string(),
  })
  .openapi("ContentRevision");
export type ContentRevision = z.infer<typeof ContentRevisionSchema>;

/** Every revision of an item, newest first (`nextCursor` is always null). */
export const ContentRevisionListSchema = pageOf(ContentRevisionSchema).openapi("ContentRevisionList");
export type ContentRevisionList = z.infer<typeof ContentRevisionListSchema>;

export const ContentImportFileSchema = z.object({
  /** Echoed as `source` in refusals; `.json` (or text starting with `{`) is read as CACAO, anything else as Sigma YAML. */
  name: z.string().min(1, "must not be empty").max(CONTENT_FILE_NAME_MAX),
  text: z.string(),
});
export type ContentImportFile = z.infer<typeof ContentImportFileSchema>;

/**
 * JSON body of `POST /content/import`: `{files: [{name, text}]}`, or a CACAO 2.0 playbook itself.
 * (Sigma YAML is sent as is, with `content-type: application/yaml`.)
 */
export const ContentImportJsonSchema = z
  .looseObject({
    files: z.array(ContentImportFileSchema).min(1, "give at least one file").max(CONTENT_IMPORT_FILES_MAX).optional(),
  })
  .openapi("ContentImport", { description: "`{files: [{name, text}]}` (Sigma YAML and CACAO JSON files), or one CACAO 2.0 playbook" });
export type ContentImportJson = z.input<typeof ContentImportJsonSchema>;

const FieldErrorSchema = z.object({ path: z.string(), message: z.string() });

/** A document the import did not take, and why. */
export const ContentImportRefusalSchema = z
  .object({
    /** The file name (with `#n` for the n-th document of a stream), or null. */
    source: z.string().nullable(),
    /** The rule title or playbook name, when the document had one. */
    title: z.string().nullable(),
    reason: z.string(),
    /** For grouping: `no-condition`, `legacy-aggregation`, `yaml-error`, `invalid`, `duplicate`, … */
    code: z.string(),
    /** Field errors, for documents that parsed but are not valid. */
    errors: z.array(FieldErrorSchema).optional(),
  })
  .openapi("ContentImportRefusal");
export type ContentImportRefusal = z.infer<typeof ContentImportRefusalSchema>;

/** Answer of `POST /content/import`: an existing name is updated (a new revision) or unchanged. */
export const ContentImportResultSchema = z
  .object({
    created: z.array(ContentItemSummarySchema),
    updated: z.array(ContentItemSummarySchema),
    unchanged: z.array(ContentItemSummarySchema),
    refused: z.array(ContentImportRefusalSchema),
  })
  .openapi("ContentImportResult");
export type ContentImportResult = z.infer<typeof ContentImportResultSchema>;
