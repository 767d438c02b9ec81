// Severity, status and outcome colours are shared with the hub's PDF export.
export { colourFor } from "@canopy/api/chart-colours";

/** A colour with `alpha` (0-1) for area fills: `#rrggbb` → `#rrggbbaa`. */
export function withAlpha(hex: string, alpha: number): string {
  const byte = Math.round(Math.min(1, Math.max(0, alpha)) * 255);
  return `${hex}${byte.toString(16).padStart(2, "0")}`;
}
