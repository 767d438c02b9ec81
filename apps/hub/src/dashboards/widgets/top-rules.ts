import { topCounts } from "./top-counts.js";
import { insightsIn, type WidgetDefinition } from "./widget-context.js";

/** The ten rules that raised the most insights (insights without a rule are not counted). */
export const topRules: WidgetDefinition = {
  uses: "range-and-lifecycle",
  compute(context) {
    const counts = new Map<string, { label: string; value: number }>();
    for (const insight of insightsIn(context)) {
      if (insight.ruleId === null) continue;
      const entry = counts.get(insight.ruleId);
      if (entry) entry.value++;
      else counts.set(insight.ruleId, { label: insight.ruleName ?? insight.ruleId, value: 1 });
    }
    return topCounts(counts);
  },
};
