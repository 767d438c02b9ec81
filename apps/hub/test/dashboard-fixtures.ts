import type { PushResultStatus, Widget } from "@canopy/api";
import { ArrayInsightSource } from "../src/dashboards/array-insight-source.js";
import type { DashboardSources, PushOutcomeSource, TenantHealth } from "../src/dashboards/dashboard-sources.js";
import type { IndexedInsight } from "../src/insights/insight-source.js";

/** Dashboard tests' "now": 2030-01-15 12:00 UTC. */
export const NOW = Date.parse("2030-01-15T12:00:00Z");
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function insight(fields: Partial<IndexedInsight> & Pick<IndexedInsight, "tenantId" | "localId">): IndexedInsight {
  return {
    key: `${fields.tenantId}~${fields.localId}`,
    title: `Insight ${fields.localId}`,
    severity: "medium",
    status: "new",
    createdAt: NOW - HOUR,
    updatedAt: fields.createdAt ?? NOW - HOUR,
    closedAt: null,
    ruleId: null,
    ruleName: null,
    tactics: [],
    techniques: [],
    hosts: [],
    users: [],
    assignee: null,
    revision: 1,
    ...fields,
  };
}

export const TENANTS: TenantHealth[] = [
  { id: "tnt_acme", name: "Acme", status: "online", lastSeenAt: "2030-01-15T11:59:50.000Z", rttMs: 12, agentVersion: "1.4.0", hostname: "acme-edge" },
  { id: "tnt_globex", name: "Globex", status: "offline", lastSeenAt: "2030-01-14T08:00:00.000Z", rttMs: null, agentVersion: "1.3.2", hostname: "gx-01" },
  { id: "tnt_initech", name: "Initech", status: "unpaired", lastSeenAt: null, rttMs: null, agentVersion: null, hostname: null },
];

/**
 * Six insights over two tenants (Initech has none), chosen so every window, lifecycle and tenant
 * filter gives different figures:
 *
 * | id | tenant | severity | status      | created | updated | closed | rule | techniques   |
 * | a1 | Acme   | critical | new         | -30m    | -10m    |        | r1   | T1003, T1059 |
 * | a2 | Acme   | high     | in_progress | -2h     | -1h     |        | r1   | T1003        |
 * | a3 | Acme   | low      | closed      | -3d     | -2d     | -2d    | r2   | T1059        |
 * | b1 | Globex | medium   | closed      | -10d    | -20m    | -20m   | r2   | T1059 (twice)|
 * | b2 | Globex | critical | new         | -40d    | -40d    |        |      |              |
 * | b3 | Globex | high     | new         | -5h     | -5h     |        | r3   | T1110        |
 */
export const INSIGHTS: IndexedInsight[] = [
  insight({ tenantId: "tnt_acme", localId: "a1", severity: "critical", status: "new", createdAt: NOW - 30 * MINUTE, updatedAt: NOW - 10 * MINUTE, ruleId: "r1", ruleName: "Mimikatz", techniques: ["T1003", "T1059"] }),
  insight({ tenantId: "tnt_acme", localId: "a2", severity: "high", status: "in_progress", createdAt: NOW - 2 * HOUR, updatedAt: NOW - HOUR, ruleId: "r1", ruleName: "Mimikatz", techniques: ["T1003"] }),
  insight({ tenantId: "tnt_acme", localId: "a3", severity: "low", status: "closed", createdAt: NOW - 3 * DAY, updatedAt: NOW - 2 * DAY, closedAt: NOW - 2 * DAY, ruleId: "r2", ruleName: "Suspicious PowerShell", techniques: ["T1059"] }),
  insight({ tenantId: "tnt_globex", localId: "b1", severity: "medium", status: "closed", createdAt: NOW - 10 * DAY, updatedAt: NOW - 20 * MINUTE, closedAt: NOW - 20 * MINUTE, ruleId: "r2", ruleName: "Suspicious PowerShell", techniques: ["T1059", "T1059"] }),
  insight({ tenantId: "tnt_globex", localId: "b2", severity: "critical", status: "new", createdAt: NOW - 40 * DAY, updatedAt: NOW - 40 * DAY }),
  insight({ tenantId: "tnt_globex", localId: "b3", severity: "high", status: "new", createdAt: NOW - 5 * HOUR, updatedAt: NOW - 5 * HOUR, ruleId: "r3", ruleName: "Brute force", techniques: ["T1110"] }),
];

/** Push outcomes that remember what they were asked. */
export class RecordingPushes implements PushOutcomeSource {
  readonly asked: { from: number | null; to: number; tenantIds: string[] | null }[] = [];
  constructor(readonly counts: Partial<Record<PushResultStatus, number>> = {}) {}

  async outcomes(from: number | null, to: number, tenantIds: ReadonlySet<string> | null): Promise<Record<PushResultStatus, number>> {
    this.asked.push({ from, to, tenantIds: tenantIds === null ? null : [...tenantIds] });
    return { pending: 0, applied: 0, unchanged: 0, failed: 0, skipped: 0, stopped: 0, ...this.counts };
  }
}

export function sources(options: { insights?: IndexedInsight[]; tenants?: TenantHealth[]; pushes?: PushOutcomeSource } = {}): DashboardSources {
  return {
    insights: new ArrayInsightSource(options.insights ?? INSIGHTS),
    tenants: { all: () => options.tenants ?? TENANTS },
    pushes: options.pushes ?? new RecordingPushes(),
  };
}

/** A widget with the defaults a test does not care about. */
export function widget(fields: Partial<Widget> & Pick<Widget, "type">): Widget {
  return {
    id: fields.type,
    title: fields.type,
    range: "all",
    lifecycle: "created",
    refreshSeconds: 60,
    tenants: { all: true },
    layout: { x: 0, y: 0, w: 4, h: 3 },
    ...fields,
  };
}
