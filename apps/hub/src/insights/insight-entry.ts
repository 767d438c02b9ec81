import type { InsightSeverity } from "@canopy/protocol";
import type { IndexedInsight } from "./insight-source.js";

/**
 * One insight in the federated index: what lists, filters, sorts and dashboards read, plus the
 * entry's ordinal (the small integer the posting sets hold). Entries are immutable: a change
 * makes a new entry under the same ordinal.
 */
export interface InsightEntry extends IndexedInsight {
  readonly ord: number;
  readonly commentCount: number;
  readonly source: string;
}

export type InsightEntryInput = Omit<InsightEntry, "ord">;

/**
 * Every entry has this one shape (fields set in one order, by one constructor), so the
 * comparators and filters that run millions of times per query see a single hidden class.
 */
class Entry implements InsightEntry {
  readonly key: string;
  readonly tenantId: string;
  readonly localId: string;
  readonly title: string;
  readonly severity: InsightSeverity;
  readonly status: InsightEntry["status"];
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly closedAt: number | null;
  readonly ruleId: string | null;
  readonly ruleName: string | null;
  readonly tactics: readonly string[];
  readonly techniques: readonly string[];
  readonly hosts: readonly string[];
  readonly users: readonly string[];
  readonly assignee: string | null;
  readonly revision: number;
  readonly commentCount: number;
  readonly source: string;
  readonly ord: number;

  constructor(input: InsightEntryInput, ord: number) {
    this.key = input.key;
    this.tenantId = input.tenantId;
    this.localId = input.localId;
    this.title = input.title;
    this.severity = input.severity;
    this.status = input.status;
    this.createdAt = input.createdAt;
    this.updatedAt = input.updatedAt;
    this.closedAt = input.closedAt;
    this.ruleId = input.ruleId;
    this.ruleName = input.ruleName;
    this.tactics = input.tactics;
    this.techniques = input.techniques;
    this.hosts = input.hosts;
    this.users = input.users;
    this.assignee = input.assignee;
    this.revision = input.revision;
    this.commentCount = input.commentCount;
    this.source = input.source;
    this.ord = ord;
  }
}

export function makeEntry(input: InsightEntryInput, ord: number): InsightEntry {
  return new Entry(input, ord);
}

const PROBE_BASE: InsightEntryInput = {
  key: "",
  tenantId: "",
  localId: "",
  title: "",
  severity: "low",
  status: "new",
  createdAt: 0,
  updatedAt: 0,
  closedAt: 0,
  ruleId: null,
  ruleName: null,
  tactics: [],
  techniques: [],
  hosts: [],
  users: [],
  assignee: null,
  revision: 0,
  commentCount: 0,
  source: "",
};

/** An entry-shaped position for tree lookups: only the sort fields and the key matter. */
export function probeEntry(fields: Partial<InsightEntryInput>): InsightEntry {
  return new Entry({ ...PROBE_BASE, ...fields }, -1);
}

export const SEVERITY_RANK: Record<InsightSeverity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

/** `~` never occurs in a tenant id or a tenant-local insight id, so it splits the hub's id unambiguously. */
const SEPARATOR = "~";

/** The hub's id of an insight: `<tenantId>~<localId>`. */
export function hubInsightId(tenantId: string, localId: string): string {
  return `${tenantId}${SEPARATOR}${localId}`;
}

export function parseHubInsightId(id: string): { tenantId: string; localId: string } | undefined {
  const at = id.indexOf(SEPARATOR);
  if (at <= 0 || at === id.length - 1) return undefined;
  return { tenantId: id.slice(0, at), localId: id.slice(at + 1) };
}
