import { topCounts } from "./top-counts.js";
import { insightsIn, type WidgetDefinition } from "./widget-context.js";

/** The ten ATT&CK techniques seen in the most insights (an insight counts once per technique it names). */
export const topTechniques: WidgetDefinition = {
  uses: "range-and-lifecycle",
  compute(context) {
    const counts = new Map<string, { label: string; value: number }>();
    for (const insight of insightsIn(context)) {
      for (const technique of new Set(insight.techniques)) {
        const entry = counts.get(technique);
        if (entry) entry.value++;
        else counts.set(technique, { label: technique, value: 1 });
      }
    }
    return topCounts(counts);
  },
};
