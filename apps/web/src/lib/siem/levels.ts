import type { SigmaRule } from "@canopy/content";

export type SigmaLevel = NonNullable<SigmaRule["level"]>;

// Written out (with the compiler checking every level of @canopy/content is here) because the
// package's runtime list would bring zod into the bundle.
const LABELS: Record<SigmaLevel, string> = {
  informational: "Informational",
  low: "Low",
  medium: "Medium",
  high: "High",
  critical: "Critical",
};

export const SIGMA_LEVELS = Object.keys(LABELS) as SigmaLevel[];

export function levelLabel(level: string | undefined): string {
  return level && level in LABELS ? LABELS[level as SigmaLevel] : "—";
}
