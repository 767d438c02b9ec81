/**
 * Colours with a meaning keep it on every chart, on screen (web) and on paper (the hub's PDF
 * export): severities low blue → critical red, statuses and outcomes in state colours (green
 * good, red failed, amber in between). Anything else takes the next colour of a categorical
 * palette. No zod here: the web bundle imports it as `@canopy/api/chart-colours`.
 */
const MEANINGFUL: Record<string, string> = {
  // Severities
  critical: "#b91c1c",
  high: "#ea580c",
  medium: "#ca8a04",
  low: "#2563eb",
  // Insight statuses
  new: "#2563eb",
  in_progress: "#ca8a04",
  closed: "#16a34a",
  // Push outcomes
  applied: "#16a34a",
  unchanged: "#64748b",
  failed: "#b91c1c",
  skipped: "#ea580c",
  stopped: "#7c3aed",
  pending: "#0891b2",
  // Agents
  online: "#16a34a",
  offline: "#b91c1c",
  unpaired: "#64748b",
};

const CATEGORICAL = ["#2563eb", "#0891b2", "#7c3aed", "#db2777", "#16a34a", "#ca8a04", "#ea580c", "#64748b", "#0f766e", "#b45309"];

/** The colour of a data key (`critical`, `closed`, …), else the `index`-th categorical colour. */
export function colourFor(key: string, index: number): string {
  return MEANINGFUL[key] ?? CATEGORICAL[index % CATEGORICAL.length]!;
}
