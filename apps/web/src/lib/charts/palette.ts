/**
 * Colours with a meaning keep it on every chart: severities in the hues of the severity badges
 * (low blue → critical red), statuses and outcomes in state colours (green good, red failed,
 * amber in between). Anything else takes the next colour of a categorical palette.
 */
// The same colours as the hub's PDF export, so a chart looks alike on screen and on paper.
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

export function colourFor(key: string, index: number): string {
  return MEANINGFUL[key] ?? CATEGORICAL[index % CATEGORICAL.length]!;
}

/** A colour with `alpha` (0-1) for area fills: `#rrggbb` → `#rrggbbaa`. */
export function withAlpha(hex: string, alpha: number): string {
  const byte = Math.round(Math.min(1, Math.max(0, alpha)) * 255);
  return `${hex}${byte.toString(16).padStart(2, "0")}`;
}
