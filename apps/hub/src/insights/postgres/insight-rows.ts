import { insightJson } from "@canopy/api";
import type { Insight } from "@canopy/protocol";
import { SEVERITY_RANK, makeEntry, type InsightEntry } from "../insight-entry.js";
import { entryOf, type InsightRecord } from "../insight-records.js";
import { tokensOf } from "../insight-tokens.js";
import { normalizeAssignee, normalizeTactic, normalizeTechnique } from "../query-dimensions.js";

/** The columns an entry is read from (everything but the document). */
export const ENTRY_COLUMNS = `key, tenant_id, local_id, revision, title, severity, status, created_at, updated_at, closed_at,
  rule_id, rule_name, assignee, tactics, techniques, hosts, users, comment_count, source`;

export interface EntryRow {
  key: string;
  tenant_id: string;
  local_id: string;
  revision: string;
  title: string;
  severity: InsightEntry["severity"];
  status: InsightEntry["status"];
  created_at: string;
  updated_at: string;
  closed_at: string | null;
  rule_id: string | null;
  rule_name: string | null;
  assignee: string | null;
  tactics: string[];
  techniques: string[];
  hosts: string[];
  users: string[];
  comment_count: number;
  source: string;
}

/** A row as the entry lists show (bigint columns arrive as strings). No ordinal: it is the index's. */
export function entryOfRow(row: EntryRow): InsightEntry {
  return makeEntry(
    {
      key: row.key,
      tenantId: row.tenant_id,
      localId: row.local_id,
      title: row.title,
      severity: row.severity,
      status: row.status,
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
      closedAt: row.closed_at === null ? null : Number(row.closed_at),
      ruleId: row.rule_id,
      ruleName: row.rule_name,
      tactics: row.tactics,
      techniques: row.techniques,
      hosts: row.hosts,
      users: row.users,
      assignee: row.assignee,
      revision: Number(row.revision),
      commentCount: row.comment_count,
      source: row.source,
    },
    -1,
  );
}

/** The columns of `insights` as `store` sends them, in `json_to_recordset` form (the document goes apart). */
export const WRITE_COLUMNS = `key text, local_id text, revision bigint, title text, severity text, severity_rank smallint, status text,
  created_at bigint, updated_at bigint, closed_at bigint, rule_id text, rule_name text, assignee text, assignee_key text,
  tactics text[], techniques text[], hosts text[], users text[], tactic_keys text[], technique_keys text[], technique_parents text[],
  comment_count integer, source text, words text[]`;

/**
 * PostgreSQL text cannot hold NUL: filter columns drop it (the document keeps the agent's exact
 * text, as `json` escapes). Nothing filters or sorts on a NUL, so no answer changes.
 */
const clean = (value: string): string => (value.includes("\u0000") ? value.replaceAll("\u0000", "") : value);
const cleanOrNull = (value: string | null): string | null => (value === null ? null : clean(value));
const distinct = (values: readonly string[]): string[] => [...new Set(values.map(clean))];

export interface InsightWrite {
  localId: string;
  revision: number;
  /** The row's columns, one object of the `json_to_recordset` array. */
  columns: Record<string, unknown>;
  /** The document as JSON text. */
  doc: string;
}

/** One insight of a tenant's batch as the row it becomes. */
export function insightWrite(tenantId: string, insight: Insight): InsightWrite {
  return insightWriteOf(tenantId, insightJson(insight));
}

/** One stored insight document (as the embedded store holds it) as the row it becomes. */
export function insightWriteOf(tenantId: string, record: InsightRecord): InsightWrite {
  const entry = entryOf(tenantId, record);
  const techniques = distinct(entry.techniques.map(normalizeTechnique));
  return {
    localId: entry.localId,
    revision: entry.revision,
    doc: JSON.stringify(record),
    columns: {
      key: clean(entry.key),
      local_id: clean(entry.localId),
      revision: entry.revision,
      title: clean(entry.title),
      severity: entry.severity,
      severity_rank: SEVERITY_RANK[entry.severity],
      status: entry.status,
      created_at: entry.createdAt,
      updated_at: entry.updatedAt,
      closed_at: entry.closedAt,
      rule_id: cleanOrNull(entry.ruleId),
      rule_name: cleanOrNull(entry.ruleName),
      assignee: cleanOrNull(entry.assignee),
      assignee_key: entry.assignee === null ? null : clean(normalizeAssignee(entry.assignee)),
      tactics: entry.tactics.map(clean),
      techniques: entry.techniques.map(clean),
      hosts: entry.hosts.map(clean),
      users: entry.users.map(clean),
      tactic_keys: distinct(entry.tactics.map(normalizeTactic)),
      technique_keys: techniques,
      technique_parents: distinct(techniques.flatMap((t) => (t.indexOf(".") > 0 ? [t.slice(0, t.indexOf("."))] : []))),
      comment_count: entry.commentCount,
      source: clean(entry.source),
      words: [...tokensOf(entry)].map(clean).filter((w) => w !== ""),
    },
  };
}
