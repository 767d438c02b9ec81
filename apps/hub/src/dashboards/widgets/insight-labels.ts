import type { InsightSeverity, InsightStatus } from "@canopy/protocol";

/** Fixed orders, so every chart and export lists statuses and severities the same way. */
export const STATUS_ORDER: readonly InsightStatus[] = ["new", "in_progress", "closed"];
export const SEVERITY_ORDER: readonly InsightSeverity[] = ["critical", "high", "medium", "low"];

export const STATUS_LABEL: Record<InsightStatus, string> = { new: "New", in_progress: "In progress", closed: "Closed" };
export const SEVERITY_LABEL: Record<InsightSeverity, string> = { critical: "Critical", high: "High", medium: "Medium", low: "Low" };
