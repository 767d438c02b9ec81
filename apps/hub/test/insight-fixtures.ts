import { INSIGHT_SEVERITIES, INSIGHT_STATUSES, type Insight } from "@canopy/protocol";
import type { InsightEntryInput } from "../src/insights/insight-entry.js";
import { hubInsightId } from "../src/insights/insight-entry.js";

/** A small deterministic PRNG (mulberry32): the same seed gives the same data on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TACTICS = ["execution", "persistence", "credential-access", "discovery", "lateral-movement", "exfiltration"];
const TECHNIQUES = ["T1003", "T1003.001", "T1059.001", "T1021.002", "T1047", "T1053.005", "T1078"];
const WORDS = ["mimikatz", "powershell", "lsass", "dump", "suspicious", "remote", "service", "scheduled", "task", "login"];
const HOSTS = ["web-01.corp.local", "db-02.corp.local", "dc-01.ad.local", "laptop-17"];
const USERS = ["alice", "bob", "svc_backup", "administrator"];
export const BASE_TIME = Date.parse("2030-01-01T00:00:00Z");

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)]!;
}

/** A realistic wire insight; `n` makes the id and spreads the times over ~a month. */
export function makeInsight(random: () => number, n: number, overrides: Partial<Insight> = {}): Insight {
  const createdAt = new Date(BASE_TIME + Math.floor(random() * 30 * 24 * 3600_000));
  const status = pick(random, INSIGHT_STATUSES);
  const title = `${pick(random, WORDS)} ${pick(random, WORDS)} on ${pick(random, HOSTS).split(".")[0]}`;
  const ruleNo = Math.floor(random() * 40);
  return {
    id: `ins-${String(n).padStart(6, "0")}`,
    title: title.charAt(0).toUpperCase() + title.slice(1),
    description: "generated for a test",
    severity: pick(random, INSIGHT_SEVERITIES),
    status,
    createdAt,
    updatedAt: new Date(createdAt.getTime() + Math.floor(random() * 3600_000)),
    closedAt: status === "closed" ? new Date(createdAt.getTime() + 7200_000) : null,
    ruleId: `rule-${ruleNo}`,
    ruleName: `Rule ${ruleNo} ${pick(random, WORDS)}`,
    tactics: [pick(random, TACTICS), ...(random() < 0.3 ? [pick(random, TACTICS)] : [])].filter((v, i, a) => a.indexOf(v) === i),
    techniques: [pick(random, TECHNIQUES)],
    hosts: [pick(random, HOSTS)],
    users: [pick(random, USERS)],
    assignee: random() < 0.5 ? null : pick(random, ["ana@mssp.example", "ben@mssp.example"]),
    comments: [],
    fields: {},
    source: "test",
    revision: 1,
    ...overrides,
  };
}

/** The index entry of a wire insight filed under `tenantId`. */
export function entryInputOf(tenantId: string, insight: Insight): InsightEntryInput {
  return {
    key: hubInsightId(tenantId, insight.id),
    tenantId,
    localId: insight.id,
    title: insight.title,
    severity: insight.severity,
    status: insight.status,
    createdAt: insight.createdAt.getTime(),
    updatedAt: insight.updatedAt.getTime(),
    closedAt: insight.closedAt?.getTime() ?? null,
    ruleId: insight.ruleId,
    ruleName: insight.ruleName,
    tactics: insight.tactics,
    techniques: insight.techniques,
    hosts: insight.hosts,
    users: insight.users,
    assignee: insight.assignee,
    revision: insight.revision,
    commentCount: insight.comments.length,
    source: insight.source,
  };
}
