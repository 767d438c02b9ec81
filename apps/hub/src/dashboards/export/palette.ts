/** Colours by data key, so a severity or status has the same colour in every chart. */
const BY_KEY: Record<string, string> = {
  critical: "#b91c1c",
  high: "#ea580c",
  medium: "#ca8a04",
  low: "#2563eb",
  new: "#2563eb",
  in_progress: "#ca8a04",
  closed: "#16a34a",
  applied: "#16a34a",
  unchanged: "#64748b",
  failed: "#b91c1c",
  skipped: "#ea580c",
  stopped: "#7c3aed",
  pending: "#0891b2",
};

const CYCLE = ["#2563eb", "#0891b2", "#7c3aed", "#db2777", "#16a34a", "#ca8a04", "#ea580c", "#64748b"];

export function colourOf(key: string, index: number): string {
  return BY_KEY[key] ?? CYCLE[index % CYCLE.length]!;
}

export const INK = "#111827";
export const MUTED = "#6b7280";
export const RULE = "#d1d5db";
export const GRID = "#e5e7eb";
export const HEADER_FILL = "#eef2f7";
