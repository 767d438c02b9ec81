import { writeFile } from "node:fs/promises";
import type { InsightList, InsightSummary, InsightDetail, InsightBulkResult } from "@canopy/api";
import type { Insight } from "@canopy/protocol";
import { agentCli } from "./agents.js";
import type { ApiClient } from "./api-client.js";
import { waitFor } from "./wait.js";

/** A valid insight as an agent sends it over its link (dates as Dates: the codec carries them). */
export function wireInsight(id: string, title: string, fields: Partial<Insight> = {}): Insight {
  const at = new Date();
  return {
    id,
    title,
    description: "",
    severity: "low",
    status: "new",
    createdAt: at,
    updatedAt: at,
    closedAt: null,
    ruleId: null,
    ruleName: null,
    tactics: [],
    techniques: [],
    hosts: [],
    users: [],
    assignee: null,
    comments: [],
    fields: {},
    source: "test",
    revision: 1,
    ...fields,
  };
}

/** One NDJSON line as a tenant's SIEM would export it (API.md: `insights import FILE`). */
export interface InsightLine {
  id: string;
  title: string;
  severity: "low" | "medium" | "high" | "critical";
  status?: "new" | "in_progress" | "closed";
  createdAt: string;
  ruleId?: string;
  ruleName?: string;
  tactics?: string[];
  techniques?: string[];
  hosts?: string[];
  users?: string[];
  description?: string;
}

const SEVERITIES = ["low", "medium", "high", "critical"] as const;
const TECHNIQUES = [
  { tactic: "credential-access", technique: "T1003.001", rule: "LSASS Memory Dump via Procdump" },
  { tactic: "execution", technique: "T1059.001", rule: "Suspicious Encoded PowerShell Command" },
  { tactic: "persistence", technique: "T1053.005", rule: "Scheduled Task Created by Office Application" },
  { tactic: "lateral-movement", technique: "T1021.002", rule: "Admin Share Access From Workstation" },
] as const;

/**
 * `count` insights for one tenant, with every field varied predictably so tests can compute the
 * expected figures: severity cycles low→critical, technique cycles over TECHNIQUES, createdAt
 * steps one minute back from `newest`.
 */
export function insightLines(prefix: string, count: number, newest = Date.now()): InsightLine[] {
  return Array.from({ length: count }, (_, i) => {
    const t = TECHNIQUES[i % TECHNIQUES.length]!;
    return {
      id: `${prefix}-${String(i).padStart(4, "0")}`,
      title: `${t.rule} on ${prefix.toUpperCase()}-WS-${i}`,
      severity: SEVERITIES[i % SEVERITIES.length]!,
      status: "new",
      createdAt: new Date(newest - i * 60_000).toISOString(),
      ruleId: `rule-${i % TECHNIQUES.length}`,
      ruleName: t.rule,
      tactics: [t.tactic],
      techniques: [t.technique],
      hosts: [`${prefix}-ws-${i}`],
      users: [`user${i % 3}`],
      description: `Seen by the e2e SIEM, insight ${i} of ${prefix}.`,
    };
  });
}

export async function writeNdjson(path: string, lines: unknown[]): Promise<string> {
  await writeFile(path, lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
  return path;
}

/** `canopy-agent insights import FILE --data-dir DIR`; throws with stderr when it fails. */
export async function importInsights(dataDir: string, file: string): Promise<string> {
  const result = await agentCli(["insights", "import", file, "--data-dir", dataDir]);
  if (result.code !== 0) throw new Error(`insights import exited ${result.code}: ${result.stderr}`);
  return result.stdout;
}

export interface AgentInsight {
  id: string;
  status: string;
  assignee: string | null;
  revision: number;
  comments: { body: string }[];
}

/** `canopy-agent insights list --json`: what the tenant holds, read from the agent's own files. */
export async function agentInsights(dataDir: string): Promise<AgentInsight[]> {
  const result = await agentCli(["insights", "list", "--json", "--data-dir", dataDir]);
  if (result.code !== 0) throw new Error(`insights list exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout) as AgentInsight[];
}

export function listInsights(api: ApiClient, query: Record<string, string | number> = {}): Promise<InsightList> {
  const params = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  return api.request("GET", `/insights?${params}`);
}

/** Every page of a query, following `nextCursor`. */
export async function listAllInsights(api: ApiClient, query: Record<string, string | number> = {}): Promise<InsightSummary[]> {
  const items: InsightSummary[] = [];
  let cursor: string | null = null;
  do {
    const page: InsightList = await listInsights(api, cursor ? { ...query, cursor } : query);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

export function getInsight(api: ApiClient, id: string): Promise<InsightDetail> {
  return api.request("GET", `/insights/${encodeURIComponent(id)}`);
}

export function patchInsight(api: ApiClient, id: string, body: { status?: string; assignee?: string | null; comment?: string }): Promise<InsightSummary> {
  return api.request("PATCH", `/insights/${encodeURIComponent(id)}`, body);
}

export function bulkInsights(api: ApiClient, body: { ids: string[]; status?: string; assignee?: string | null; comment?: string }): Promise<InsightBulkResult> {
  return api.request("POST", "/insights/bulk", body);
}

/** Waits until the hub lists `count` insights for the query (agents deliver in the background). */
export function waitForInsightTotal(api: ApiClient, count: number, query: Record<string, string | number> = {}, timeoutMs = 20_000): Promise<InsightList> {
  return waitFor(
    `${count} insights on the hub for ${JSON.stringify(query)}`,
    async () => {
      const page = await listInsights(api, { ...query, limit: 1 });
      return page.total === count ? page : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

/** Waits until the hub's copy of an insight has no pending change, i.e. its agent acknowledged it. */
export function waitForAcknowledged(api: ApiClient, id: string, timeoutMs = 15_000): Promise<InsightDetail> {
  return waitFor(
    `insight ${id} to be acknowledged`,
    async () => {
      const insight = await getInsight(api, id);
      return insight.pending === null ? insight : undefined;
    },
    { timeoutMs, intervalMs: 100 },
  );
}

export function hubInsightId(tenantId: string, localId: string): string {
  return `${tenantId}~${localId}`;
}
