import { topCounts } from "./top-counts.js";
import { scopeOf, type WidgetDefinition } from "./widget-context.js";

/** The ten rules that raised the most insights (insights without a rule are not counted). */
export const topRules: WidgetDefinition = {
  uses: "range-and-lifecycle",
  async compute(context) {
    const rules = await context.sources.insights.rules(scopeOf(context));
    return topCounts(new Map(rules.map(({ ruleId, label, count }) => [ruleId, { label, value: count }])));
  },
};
