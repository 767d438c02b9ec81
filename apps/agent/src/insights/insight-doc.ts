import { Insight, InsightComment, InsightId, InsightStatus, INSIGHT_LIMITS, MAX_AGENT_FRAME_BYTES } from "@canopy/protocol";
import { z } from "zod";

/**
 * An insight as it sits in the lowdb file: the protocol `Insight` with its dates as ISO strings,
 * so what is written is exactly what is read back (JSON has no dates). `reviveInsight` turns it
 * into the wire shape again, validated.
 */
export const StoredInsight = Insight.extend({
  createdAt: z.string(),
  updatedAt: z.string(),
  closedAt: z.string().nullable(),
  comments: z.array(InsightComment.extend({ at: z.string() })),
});
export type StoredInsight = z.infer<typeof StoredInsight>;

/**
 * The largest insight the agent keeps (its JSON). Well under the 4 MiB frame limit, so every
 * insight fits into an `insights.upsert` batch or an `insight.update.ack` on its own.
 */
export const MAX_INSIGHT_BYTES = 1024 * 1024;

/** What a batch or ack frame may fill, leaving room for the envelope and superjson's date notes. */
export const FRAME_BUDGET_BYTES = MAX_AGENT_FRAME_BYTES - 256 * 1024;

export function storeInsight(insight: Insight): StoredInsight {
  return {
    id: insight.id,
    title: insight.title,
    description: insight.description,
    severity: insight.severity,
    status: insight.status,
    createdAt: insight.createdAt.toISOString(),
    updatedAt: insight.updatedAt.toISOString(),
    closedAt: insight.closedAt ? insight.closedAt.toISOString() : null,
    ruleId: insight.ruleId,
    ruleName: insight.ruleName,
    tactics: insight.tactics,
    techniques: insight.techniques,
    hosts: insight.hosts,
    users: insight.users,
    assignee: insight.assignee,
    comments: insight.comments.map((c) => ({ id: c.id, author: c.author, body: c.body, at: c.at.toISOString() })),
    fields: insight.fields,
    source: insight.source,
    revision: insight.revision,
  };
}

const asDate = (value: unknown): unknown => (typeof value === "string" ? new Date(value) : value);

/** Stored → wire shape; null for a document that is not a valid insight (left alone, never sent). */
export function reviveInsight(doc: unknown): Insight | null {
  if (typeof doc !== "object" || doc === null) return null;
  const raw = doc as Record<string, unknown>;
  const parsed = Insight.safeParse({
    ...raw,
    createdAt: asDate(raw.createdAt),
    updatedAt: asDate(raw.updatedAt),
    closedAt: asDate(raw.closedAt),
    comments: Array.isArray(raw.comments)
      ? raw.comments.map((c: unknown) => (typeof c === "object" && c !== null ? { ...c, at: asDate((c as { at?: unknown }).at) } : c))
      : raw.comments,
  });
  return parsed.success ? parsed.data : null;
}

/** Bytes of an insight's JSON: what it costs in a frame (plus a little for superjson's date notes). */
export function insightBytes(doc: StoredInsight | Insight): number {
  const comments = Array.isArray(doc.comments) ? doc.comments.length : 0;
  return Buffer.byteLength(JSON.stringify(doc)) + 48 * (3 + comments);
}

/** A date as JSON carries it (ISO 8601 with a zone) or as a `Date` (in-process callers, the generator). */
const DateInput = z.union([z.date(), z.iso.datetime({ offset: true }).transform((text) => new Date(text))]);

/**
 * One insight from a source (NDJSON import, the ingest endpoint, the generator): the `Insight`
 * fields, dates as ISO strings, `id` required; `revision` and `updatedAt` are the agent's and
 * ignored if present. A field left out keeps its current value on an insight the agent holds
 * (so re-importing does not reopen what an analyst closed); on a new one the defaults apply.
 */
export const SourceInsight = z.object({
  id: InsightId,
  title: Insight.shape.title,
  description: Insight.shape.description.unwrap().optional(),
  severity: Insight.shape.severity,
  status: InsightStatus.optional(),
  createdAt: DateInput.optional(),
  closedAt: DateInput.nullable().optional(),
  ruleId: Insight.shape.ruleId.unwrap().optional(),
  ruleName: Insight.shape.ruleName.unwrap().optional(),
  tactics: Insight.shape.tactics.unwrap().optional(),
  techniques: Insight.shape.techniques.unwrap().optional(),
  hosts: Insight.shape.hosts.unwrap().optional(),
  users: Insight.shape.users.unwrap().optional(),
  assignee: Insight.shape.assignee.unwrap().optional(),
  comments: z.array(InsightComment.extend({ at: DateInput })).max(INSIGHT_LIMITS.comments).optional(),
  fields: Insight.shape.fields.unwrap().optional(),
  source: Insight.shape.source.unwrap().optional(),
});
export type SourceInsight = z.infer<typeof SourceInsight>;

/** The first problem with a value, as one short line: `severity: Invalid option: …`. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid insight";
  const path = issue.path.map(String).join(".");
  return (path ? `${path}: ${issue.message}` : issue.message).slice(0, 300);
}
