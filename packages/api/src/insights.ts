import { z } from "@hono/zod-openapi";
import { INSIGHT_LIMITS, INSIGHT_SEVERITIES, INSIGHT_STATUSES, Insight as WireInsight, InsightId } from "@canopy/protocol";
import { ID_MAX, INSIGHT_BULK_MAX, INSIGHT_FILTER_VALUES_MAX, SEARCH_MAX } from "./limits.js";
import { pageQuery } from "./paging.js";

export const InsightStatusSchema = z.enum(INSIGHT_STATUSES).openapi("InsightStatus");
export type InsightStatus = z.infer<typeof InsightStatusSchema>;
export const InsightSeveritySchema = z.enum(INSIGHT_SEVERITIES).openapi("InsightSeverity");
export type InsightSeverity = z.infer<typeof InsightSeveritySchema>;

export const INSIGHT_SORTS = ["createdAt", "updatedAt", "severity"] as const;
export const INSIGHT_TIME_FIELDS = ["createdAt", "updatedAt", "closedAt"] as const;
export type InsightTimeField = (typeof INSIGHT_TIME_FIELDS)[number];

const isoDate = z.string().openapi({ format: "date-time" });

/**
 * A change asked from the hub and not yet acknowledged by the tenant's agent. The list keeps
 * showing the acknowledged values; `pending` says what is on its way, and whether the tenant's
 * agent is connected to receive it now (`queued`: it gets it when it reconnects).
 */
export const InsightPendingSchema = z
  .object({
    status: InsightStatusSchema.optional(),
    assignee: z.string().nullable().optional(),
    comments: z.number().int().nonnegative(),
    requestedAt: isoDate,
    requestedBy: z.string(),
    delivery: z.enum(["sent", "queued"]),
  })
  .openapi("InsightPending");
export type InsightPending = z.infer<typeof InsightPendingSchema>;

/**
 * The last change to an insight that its tenant's agent refused (`ok: false` in its ack), kept
 * until the next change is asked, so the list can say why a move did not happen.
 */
export const InsightUpdateErrorSchema = z
  .object({ error: z.string(), at: isoDate, requestedBy: z.string() })
  .openapi("InsightUpdateError");
export type InsightUpdateError = z.infer<typeof InsightUpdateErrorSchema>;

/**
 * One insight in the federated list. `id` is the hub's id, `<tenantId>~<localId>`; `localId` is
 * the id the tenant knows it by.
 */
export const InsightSummarySchema = z
  .object({
    id: z.string(),
    tenantId: z.string(),
    tenantName: z.string(),
    localId: z.string(),
    title: z.string(),
    severity: InsightSeveritySchema,
    status: InsightStatusSchema,
    createdAt: isoDate,
    updatedAt: isoDate,
    closedAt: isoDate.nullable(),
    ruleId: z.string().nullable(),
    ruleName: z.string().nullable(),
    tactics: z.array(z.string()),
    techniques: z.array(z.string()),
    hosts: z.array(z.string()),
    users: z.array(z.string()),
    assignee: z.string().nullable(),
    commentCount: z.number().int().nonnegative(),
    source: z.string(),
    revision: z.number().int().nonnegative(),
    pending: InsightPendingSchema.nullable(),
    /** Set by the hub when the agent refused the last change; absent or null otherwise. */
    updateError: InsightUpdateErrorSchema.nullable().optional(),
  })
  .openapi("InsightSummary");
export type InsightSummary = z.infer<typeof InsightSummarySchema>;

export const InsightCommentSchema = z
  .object({ id: z.string(), author: z.string(), body: z.string(), at: isoDate })
  .openapi("InsightComment");
export type InsightComment = z.infer<typeof InsightCommentSchema>;

/** `GET /insights/{id}`: the summary plus description, comments and detail fields (the hub's copy). */
export const InsightDetailSchema = InsightSummarySchema.extend({
  description: z.string(),
  comments: z.array(InsightCommentSchema),
  fields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
}).openapi("InsightDetail");
export type InsightDetail = z.infer<typeof InsightDetailSchema>;

/** The wire insight with its dates as ISO strings (what `insightJson` makes of it). */
export const TenantInsightSchema = z
  .object({
    ...WireInsight.shape,
    createdAt: isoDate,
    updatedAt: isoDate,
    closedAt: isoDate.nullable(),
    comments: z.array(InsightCommentSchema),
  })
  .openapi("TenantInsight");
export type TenantInsight = z.infer<typeof TenantInsightSchema>;

export function insightJson(insight: WireInsight): TenantInsight {
  return {
    ...insight,
    createdAt: insight.createdAt.toISOString(),
    updatedAt: insight.updatedAt.toISOString(),
    closedAt: insight.closedAt?.toISOString() ?? null,
    comments: insight.comments.map((comment) => ({ ...comment, at: comment.at.toISOString() })),
  };
}

/** `GET /tenants/{id}/insights/{localId}`: the insight fetched live from the tenant's agent (Open in tenant). */
export const TenantInsightResultSchema = z
  .object({ tenantId: z.string(), tenantName: z.string(), fetchedAt: isoDate, insight: TenantInsightSchema })
  .openapi("TenantInsightResult");
export type TenantInsightResult = z.infer<typeof TenantInsightResultSchema>;

/** `a,b` or repeated `?x=a&x=b`: one list of values, each checked by `item`. */
function listParam<T extends z.ZodType>(item: T) {
  return z.preprocess((value) => {
    const values = (Array.isArray(value) ? value : [value]).flatMap((v) => (typeof v === "string" ? v.split(",") : [v]));
    const kept = values.map((v) => (typeof v === "string" ? v.trim() : v)).filter((v) => v !== "" && v !== undefined);
    return kept.length === 0 ? undefined : kept;
  }, z.array(item).min(1).max(INSIGHT_FILTER_VALUES_MAX).optional());
}

const filterText = z.string().trim().min(1).max(200);

/**
 * Filters of `GET /insights` (and of dashboard widgets). Lists are `a,b` or repeated params; one
 * value out of a list matches. `from`/`to` bound `timeField` (default `createdAt`), `to` exclusive.
 */
export const InsightFilterSchema = z.object({
  tenantId: listParam(z.string().min(1).max(ID_MAX)),
  status: listParam(InsightStatusSchema),
  severity: listParam(InsightSeveritySchema),
  tactic: listParam(filterText),
  technique: listParam(filterText),
  ruleId: listParam(filterText),
  assignee: listParam(filterText),
  /** Words that must all occur (prefix match) in title, rule, hosts, users, techniques or id. */
  q: z.string().trim().max(SEARCH_MAX).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  timeField: z.enum(INSIGHT_TIME_FIELDS).default("createdAt"),
});
export type InsightFilter = z.infer<typeof InsightFilterSchema>;

/** Query of `GET /insights`. Default order: newest `createdAt` first. */
export const InsightListQuerySchema = InsightFilterSchema.extend({
  ...pageQuery,
  sort: z.enum(INSIGHT_SORTS).default("createdAt"),
  order: z.enum(["asc", "desc"]).default("desc"),
});
export type InsightListQuery = z.infer<typeof InsightListQuerySchema>;
export type InsightListQueryInput = z.input<typeof InsightListQuerySchema>;

export const InsightListSchema = z
  .object({
    items: z.array(InsightSummarySchema),
    nextCursor: z.string().nullable(),
    /** How many insights match the filters, over all pages. */
    total: z.number().int().nonnegative(),
  })
  .openapi("InsightList");
export type InsightList = z.infer<typeof InsightListSchema>;

const assignee = z.string().trim().max(INSIGHT_LIMITS.person).nullable();
const comment = z.string().trim().min(1, "must not be empty").max(INSIGHT_LIMITS.commentBody);

/** Body of `PATCH /insights/{id}`: at least one field. Written back to the tenant by its agent. */
export const InsightPatchSchema = z
  .strictObject({ status: InsightStatusSchema.optional(), assignee: assignee.optional(), comment: comment.optional() })
  .refine((b) => b.status !== undefined || b.assignee !== undefined || b.comment !== undefined, {
    message: "give at least one of status, assignee, comment",
  })
  .openapi("InsightPatch");
export type InsightPatch = z.input<typeof InsightPatchSchema>;

/** Answer of `PATCH /insights/{id}` (202): the insight with its change pending. */
export const InsightPatchResultSchema = InsightSummarySchema.openapi("InsightPatchResult");

/** Body of `POST /insights/bulk`: the same change to many insights (of any tenants). */
export const InsightBulkSchema = z
  .strictObject({
    ids: z.array(z.string().min(1).max(ID_MAX + 130)).min(1, "name at least one insight").max(INSIGHT_BULK_MAX),
    status: InsightStatusSchema.optional(),
    assignee: assignee.optional(),
    comment: comment.optional(),
  })
  .refine((b) => b.status !== undefined || b.assignee !== undefined || b.comment !== undefined, {
    message: "give at least one of status, assignee, comment",
  })
  .openapi("InsightBulk");
export type InsightBulk = z.input<typeof InsightBulkSchema>;

/** Answer of `POST /insights/bulk` (202). `notFound`: ids the hub does not know (nothing was done to them). */
export const InsightBulkResultSchema = z
  .object({
    accepted: z.number().int().nonnegative(),
    sent: z.number().int().nonnegative(),
    queued: z.number().int().nonnegative(),
    notFound: z.array(z.string()),
  })
  .openapi("InsightBulkResult");
export type InsightBulkResult = z.infer<typeof InsightBulkResultSchema>;

/** Live feed `insight.updated`: an insight changed (acknowledged change, new pending change, or a new revision from its agent). */
export const InsightUpdatedEventSchema = InsightSummarySchema;
/** Live feed `insights.ingested`: a tenant's agent delivered a batch (the UI refreshes its list, throttled). */
export const InsightsIngestedEventSchema = z.object({ tenantId: z.string(), count: z.number().int().nonnegative() });
export type InsightsIngestedEvent = z.infer<typeof InsightsIngestedEventSchema>;

export { InsightId as InsightLocalIdSchema };
