import { z } from "@hono/zod-openapi";
import { ContentKindSchema, ContentPathSchema } from "./content.js";
import { ID_MAX, PUSH_ITEMS_MAX, PUSH_TARGETS_MAX, TAG_MAX, TAGS_MAX } from "./limits.js";
import { pageOf, pageQuery } from "./paging.js";

const id = z.string().min(1, "must not be empty").max(ID_MAX);

/**
 * Where a push goes: every tenant (optionally but some), the tenants named, or the tenants with
 * any of the tags. Tenants are resolved when the push is made; later tenants are not included.
 */
export const PushTargetsSchema = z
  .union([
    z.strictObject({ all: z.literal(true), exclude: z.array(id).max(PUSH_TARGETS_MAX).optional() }),
    z.strictObject({ tenants: z.array(id).min(1, "name at least one tenant").max(PUSH_TARGETS_MAX) }),
    z.strictObject({ tags: z.array(z.string().trim().min(1).max(TAG_MAX)).min(1, "name at least one tag").max(TAGS_MAX) }),
  ])
  .openapi("PushTargets", { description: "`{all: true, exclude?}`, `{tenants}` or `{tags}`" });
export type PushTargets = z.infer<typeof PushTargetsSchema>;

export const PushOptionsSchema = z
  .strictObject({
    /** Tuning expressions bring the rules they apply to. */
    includeAssociatedRules: z.boolean().optional(),
    /** `ignore`: scheduled searches of a pushed folder arrive as saved searches (no schedule, no connection). */
    scheduledSearches: z.enum(["include", "ignore"]).optional(),
    /** `ignore`: scheduled reports of a pushed folder arrive as saved reports (no schedule). */
    scheduledReports: z.enum(["include", "ignore"]).optional(),
  })
  .openapi("PushOptions");
export type PushOptions = z.infer<typeof PushOptionsSchema>;

export const PushItemRefSchema = z.strictObject({ kind: ContentPathSchema, id }).openapi("PushItemRef");
export type PushItemRef = z.infer<typeof PushItemRefSchema>;

/** Body of `POST /pushes`. */
export const PushCreateSchema = z
  .strictObject({
    items: z.array(PushItemRefSchema).min(1, "give at least one item").max(PUSH_ITEMS_MAX),
    targets: PushTargetsSchema,
    options: PushOptionsSchema.optional(),
    /** Only say what the push would do. */
    dryRun: z.boolean().optional(),
  })
  .openapi("PushCreate");
export type PushCreate = z.input<typeof PushCreateSchema>;

export const PushCreatedSchema = z.object({ id: z.string() }).openapi("PushCreated");
export type PushCreated = z.infer<typeof PushCreatedSchema>;

export const PLAN_ACTIONS = ["create", "replace", "unchanged"] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

/** Answer of a dry run: per tenant and item what the agent would do, and what the items need but lack. */
export const DryRunPlanSchema = z
  .object({
    dryRun: z.literal(true),
    plan: z.array(
      z.object({
        tenantId: z.string(),
        tenantName: z.string(),
        kind: ContentKindSchema,
        name: z.string(),
        action: z.enum(PLAN_ACTIONS),
      }),
    ),
    missingDependencies: z.array(z.object({ kind: ContentKindSchema, name: z.string(), requiredBy: z.string() })),
  })
  .openapi("DryRunPlan");
export type DryRunPlan = z.infer<typeof DryRunPlanSchema>;

export const PUSH_STATES = ["running", "completed", "completed_with_errors", "stopped"] as const;
export const PushStateSchema = z.enum(PUSH_STATES).openapi("PushState");
export type PushState = z.infer<typeof PushStateSchema>;

export const PUSH_RESULT_STATUSES = ["pending", "applied", "unchanged", "failed", "skipped", "stopped"] as const;
export const PushResultStatusSchema = z.enum(PUSH_RESULT_STATUSES).openapi("PushResultStatus");
export type PushResultStatus = z.infer<typeof PushResultStatusSchema>;

/** Counts over the push's results (one per tenant and item). */
export const PushProgressSchema = z
  .object({
    total: z.number().int(),
    applied: z.number().int(),
    unchanged: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
    stopped: z.number().int(),
    pending: z.number().int(),
  })
  .openapi("PushProgress");
export type PushProgress = z.infer<typeof PushProgressSchema>;

/** One tenant and item (kept lean: a big push has tens of thousands; tenant names are in `/tenants`, revisions in `items`). */
export const PushResultSchema = z
  .object({
    tenantId: z.string(),
    kind: ContentKindSchema,
    name: z.string(),
    status: PushResultStatusSchema,
    /** The agent's message for `failed`, why an item was `skipped` or `stopped`. */
    error: z.string().optional(),
    /**
     * A removal: the item left the tenant's desired state (deleted from the catalogue, or pushed
     * under a new name). `applied`: removed at the tenant; `unchanged`: it held nothing by that name.
     */
    remove: z.literal(true).optional(),
  })
  .openapi("PushResult");
export type PushResult = z.infer<typeof PushResultSchema>;

const summaryFields = {
  id: z.string(),
  /** `rollback` for pushes made by `POST /content/{kind}/{id}/rollback`. */
  type: z.enum(["push", "rollback"]),
  state: PushStateSchema,
  createdBy: z.string(),
  createdAt: z.string().openapi({ format: "date-time" }),
  /** When the last result arrived (or the push was stopped); null while running. */
  finishedAt: z.string().nullable().openapi({ format: "date-time" }),
  stoppedBy: z.string().nullable(),
  /** A short description: the first item's name, and how many more. */
  title: z.string(),
  kinds: z.array(ContentKindSchema),
  itemCount: z.number().int(),
  tenantCount: z.number().int(),
  targets: PushTargetsSchema,
  options: PushOptionsSchema,
  progress: PushProgressSchema,
};

/** A push in the history list. */
export const PushSummarySchema = z.object(summaryFields).openapi("PushSummary");
export type PushSummary = z.infer<typeof PushSummarySchema>;

/** One push with what it delivers and every result. */
export const PushSchema = z
  .object({
    ...summaryFields,
    /** What the push delivers (after expansion: associated rules, folder contents), with the name tenants see. */
    items: z.array(z.object({ kind: ContentKindSchema, id: z.string(), name: z.string(), revision: z.number().int(), remove: z.literal(true).optional() })),
    results: z.array(PushResultSchema),
  })
  .openapi("Push");
export type Push = z.infer<typeof PushSchema>;

export const PushListSchema = pageOf(PushSummarySchema).openapi("PushList");
export type PushList = z.infer<typeof PushListSchema>;

/** Query of `GET /pushes` (newest first). `kind` takes the stored form (`custom-field`) or the path form (`custom-fields`). */
export const PushListQuerySchema = z.object({
  ...pageQuery,
  createdBy: z.string().max(254).optional(),
  tenantId: id.optional(),
  kind: z.union([ContentKindSchema, ContentPathSchema]).optional(),
  itemId: id.optional(),
  state: PushStateSchema.optional(),
});
export type PushListQuery = z.input<typeof PushListQuerySchema>;

/** Answer of `POST /pushes/{id}/retry`: how many failed or skipped results are pending again. */
export const PushRetriedSchema = z.object({ id: z.string(), retried: z.number().int() }).openapi("PushRetried");
export type PushRetried = z.infer<typeof PushRetriedSchema>;

/** Body of `POST /content/{kind}/{id}/rollback`: the revision to put back; without `tenants`, every tenant that holds the item. */
export const RollbackBodySchema = z
  .strictObject({
    revision: z.number().int().min(1),
    tenants: z.array(id).min(1, "name at least one tenant, or leave tenants out").max(PUSH_TARGETS_MAX).optional(),
  })
  .openapi("RollbackBody");
export type RollbackBody = z.input<typeof RollbackBodySchema>;

/** `push.progress` on the live feed, and `progress` / `done` on `GET /pushes/{id}/events`. */
export const PushProgressEventSchema = z
  .object({ id: z.string(), state: PushStateSchema, progress: PushProgressSchema })
  .openapi("PushProgressEvent");
export type PushProgressEvent = z.infer<typeof PushProgressEventSchema>;

/** `results` on `GET /pushes/{id}/events`: results that changed since the last event. */
export const PushResultsEventSchema = z.object({ id: z.string(), results: z.array(PushResultSchema) }).openapi("PushResultsEvent");
export type PushResultsEvent = z.infer<typeof PushResultsEventSchema>;

/** `GET /pushes/{id}/events`: each event name with its `data`; the stream ends after `done`. */
export const pushEventSchemas = {
  progress: PushProgressEventSchema,
  results: PushResultsEventSchema,
  done: PushProgressEventSchema,
} as const;
