import { topCounts } from "./top-counts.js";
import { scopeOf, type WidgetDefinition } from "./widget-context.js";

/** The ten ATT&CK techniques seen in the most insights (an insight counts once per technique it names). */
export const topTechniques: WidgetDefinition = {
  uses: "range-and-lifecycle",
  async compute(context) {
    const techniques = await context.sources.insights.techniques(scopeOf(context));
    return topCounts(new Map(techniques.map(({ technique, count }) => [technique, { label: technique, value: count }])));
  },
};
