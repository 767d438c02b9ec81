import type { InsightSeverity, InsightStatus } from "$lib/api";

// The hub's enums as the UI lists them (the web bundle carries no zod, so not the schemas'
// values); `satisfies` on a record keyed by the type keeps both sides in step.
const STATUS_LABELS = { new: "New", in_progress: "In progress", closed: "Closed" } as const satisfies Record<InsightStatus, string>;
const SEVERITY_LABELS = { low: "Low", medium: "Medium", high: "High", critical: "Critical" } as const satisfies Record<InsightSeverity, string>;

export const STATUSES = Object.keys(STATUS_LABELS) as InsightStatus[];
/** Most severe first, as filters and badges list them. */
export const SEVERITIES = (Object.keys(SEVERITY_LABELS) as InsightSeverity[]).reverse();

export const statusLabel = (status: InsightStatus): string => STATUS_LABELS[status] ?? status;
export const severityLabel = (severity: InsightSeverity): string => SEVERITY_LABELS[severity] ?? severity;

export const isStatus = (value: string): value is InsightStatus => Object.hasOwn(STATUS_LABELS, value);
export const isSeverity = (value: string): value is InsightSeverity => Object.hasOwn(SEVERITY_LABELS, value);

/** `credential-access` → "Credential Access" (ATT&CK tactics travel by short name). */
export function tacticLabel(shortName: string): string {
  return shortName
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((word) => (word === "and" ? word : word.charAt(0).toUpperCase() + word.slice(1)))
    .join(" ");
}

/** The ATT&CK page of a technique id (`T1003.001` → …/techniques/T1003/001/); null for anything else. */
export function techniqueUrl(id: string): string | null {
  const match = /^T(\d{4})(?:\.(\d{3}))?$/i.exec(id.trim());
  if (!match) return null;
  return `https://attack.mitre.org/techniques/T${match[1]}/${match[2] ? `${match[2]}/` : ""}`;
}
