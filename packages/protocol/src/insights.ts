import { z } from "zod";
import { RequestId } from "./ids.js";

/**
 * Insights: what a tenant's SIEM found. The agent owns them (they live in the tenant); the hub
 * holds a federated copy that agents keep current with `insights.upsert`, and asks for changes
 * (board moves, assignee, comments) with `insight.update`, which the agent applies and acks.
 */

export const INSIGHT_STATUSES = ["new", "in_progress", "closed"] as const;
export const InsightStatus = z.enum(INSIGHT_STATUSES);
export type InsightStatus = z.infer<typeof InsightStatus>;

export const INSIGHT_SEVERITIES = ["low", "medium", "high", "critical"] as const;
export const InsightSeverity = z.enum(INSIGHT_SEVERITIES);
export type InsightSeverity = z.infer<typeof InsightSeverity>;

/** A tenant-local insight id, chosen by the source (SIEM, import file, generator). URL-safe. */
export const InsightId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, "insight ids are 1-128 of A-Z a-z 0-9 . _ : - (starting with a letter or digit)");

export const INSIGHT_LIMITS = {
  title: 512,
  description: 16_384,
  /** Tactics, techniques, hosts, users: entries per list. */
  listEntries: 32,
  listEntry: 256,
  person: 254,
  comments: 500,
  commentBody: 8192,
  /** Free-form detail fields (process, command line, …). */
  fields: 64,
  fieldKey: 128,
  fieldValue: 4096,
  /** Insights per `insights.upsert` batch. */
  batch: 500,
  /** Updates per `insight.update` frame. */
  updates: 1000,
} as const;

const shortList = z.array(z.string().trim().min(1).max(INSIGHT_LIMITS.listEntry)).max(INSIGHT_LIMITS.listEntries);

export const InsightComment = z.object({
  /** Chosen by whoever adds it; adding a comment whose id exists is a no-op (resends are safe). */
  id: RequestId,
  author: z.string().min(1).max(INSIGHT_LIMITS.person),
  body: z.string().min(1).max(INSIGHT_LIMITS.commentBody),
  at: z.date(),
});
export type InsightComment = z.infer<typeof InsightComment>;

export const InsightFieldValue = z.union([z.string().max(INSIGHT_LIMITS.fieldValue), z.number(), z.boolean(), z.null()]);

/** One insight as the agent holds it and sends it: always the whole document, never a diff. */
export const Insight = z.object({
  id: InsightId,
  title: z.string().trim().min(1).max(INSIGHT_LIMITS.title),
  description: z.string().max(INSIGHT_LIMITS.description).default(""),
  severity: InsightSeverity,
  status: InsightStatus,
  createdAt: z.date(),
  updatedAt: z.date(),
  /** When it last became `closed`; null while open. */
  closedAt: z.date().nullable().default(null),
  /** The detection that raised it (a Sigma rule id and title, when there is one). */
  ruleId: z.string().max(INSIGHT_LIMITS.listEntry).nullable().default(null),
  ruleName: z.string().max(INSIGHT_LIMITS.title).nullable().default(null),
  /** ATT&CK tactics by short name (`credential-access`) and techniques by id (`T1003.001`). */
  tactics: shortList.default([]),
  techniques: shortList.default([]),
  hosts: shortList.default([]),
  users: shortList.default([]),
  assignee: z.string().max(INSIGHT_LIMITS.person).nullable().default(null),
  comments: z.array(InsightComment).max(INSIGHT_LIMITS.comments).default([]),
  fields: z
    .record(z.string().max(INSIGHT_LIMITS.fieldKey), InsightFieldValue)
    .refine((fields) => Object.keys(fields).length <= INSIGHT_LIMITS.fields, `at most ${INSIGHT_LIMITS.fields} fields`)
    .default({}),
  /** Where it came from: `import`, `ingest`, `demo`, or the SIEM's name. */
  source: z.string().min(1).max(64).default("import"),
  /** Bumped by the agent on every change; the hub keeps the highest revision it has seen. */
  revision: z.number().int().nonnegative(),
});
export type Insight = z.infer<typeof Insight>;
export type InsightInput = z.input<typeof Insight>;

/**
 * agent → hub: a numbered batch from the agent's outbox. The agent resends unacked batches after
 * every welcome, so a batch may arrive twice; the hub applies it by insight id and revision
 * (exactly once in effect) and answers `insights.ack` with the same `seq` once it is durable.
 */
export const InsightsUpsert = z.object({
  type: z.literal("insights.upsert"),
  seq: z.number().int().positive(),
  insights: z.array(Insight).min(1).max(INSIGHT_LIMITS.batch),
});

/** hub → agent: batch `seq` is stored on the hub; drop it from the outbox. */
export const InsightsAck = z.object({
  type: z.literal("insights.ack"),
  seq: z.number().int().positive(),
});

/** What a user asked to change on one insight. At least one field. */
export const InsightChanges = z
  .object({
    status: InsightStatus.optional(),
    assignee: z.string().trim().max(INSIGHT_LIMITS.person).nullable().optional(),
    comment: InsightComment.optional(),
  })
  .refine((c) => c.status !== undefined || c.assignee !== undefined || c.comment !== undefined, "change at least one field");
export type InsightChanges = z.infer<typeof InsightChanges>;

export const InsightUpdateRequest = z.object({
  /** Chosen by the hub; the ack names it. The hub resends unacked updates after every welcome. */
  updateId: RequestId,
  insightId: InsightId,
  changes: InsightChanges,
  /** Who asked (the hub user's email), kept by the agent with the change. */
  actor: z.string().min(1).max(INSIGHT_LIMITS.person),
  requestedAt: z.date(),
});
export type InsightUpdateRequest = z.infer<typeof InsightUpdateRequest>;

/** hub → agent: apply these changes (board moves, assignee, comments), then `insight.update.ack`. */
export const InsightUpdate = z.object({
  type: z.literal("insight.update"),
  updates: z.array(InsightUpdateRequest).min(1).max(INSIGHT_LIMITS.updates),
});

export const InsightUpdateResult = z.object({
  updateId: RequestId,
  ok: z.boolean(),
  /** The insight after the change (ok), so the hub's copy matches the tenant's. */
  insight: Insight.optional(),
  /** Why not (`not_found`, or the adapter's message). */
  error: z.string().max(1024).optional(),
});
export type InsightUpdateResult = z.infer<typeof InsightUpdateResult>;

/** agent → hub: one result per update of the frame it answers (applying twice is harmless). */
export const InsightUpdateAck = z.object({
  type: z.literal("insight.update.ack"),
  results: z.array(InsightUpdateResult).min(1).max(INSIGHT_LIMITS.updates),
});
