import type { WidgetType } from "@canopy/api";
import { insightsOverTime } from "./insights-over-time.js";
import { nodeHealth } from "./node-health.js";
import { pushOutcomes } from "./push-outcomes.js";
import { severityCounts } from "./severity-counts.js";
import { statusCounts } from "./status-counts.js";
import { tenantTable } from "./tenant-table.js";
import { topRules } from "./top-rules.js";
import { topTechniques } from "./top-techniques.js";
import type { WidgetDefinition } from "./widget-context.js";

/** Every widget type's computation; a new type in @canopy/api does not compile until it is here. */
export const WIDGETS = {
  "status-counts": statusCounts,
  "severity-counts": severityCounts,
  "insights-over-time": insightsOverTime,
  "tenant-table": tenantTable,
  "top-rules": topRules,
  "top-techniques": topTechniques,
  "node-health": nodeHealth,
  "push-outcomes": pushOutcomes,
} satisfies Record<WidgetType, WidgetDefinition>;
