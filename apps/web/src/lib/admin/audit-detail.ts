/** Above this many characters the compact line is cut and the whole detail opens on demand. */
export const DETAIL_SHORT_MAX = 140;

const shown = (value: unknown): string => {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value;
  if (Array.isArray(value) && value.every((item) => typeof item !== "object" || item === null)) return value.map(String).join(", ");
  return typeof value === "object" ? JSON.stringify(value) : String(value);
};

/** An entry's particulars as `key: value` pairs, in the order the hub wrote them. */
export const detailPairs = (detail: Record<string, unknown>): [string, string][] => Object.entries(detail).map(([key, value]) => [key, shown(value)]);

/**
 * The particulars on one line (`email: a@b.test · roles: Analyst`), and whether that line was cut
 * (then the table offers the whole detail, as JSON, to open).
 */
export function compactDetail(detail: Record<string, unknown>): { line: string; cut: boolean } {
  const line = detailPairs(detail)
    .map(([key, value]) => `${key}: ${value}`)
    .join(" · ");
  return line.length > DETAIL_SHORT_MAX ? { line: `${line.slice(0, DETAIL_SHORT_MAX - 1)}…`, cut: true } : { line, cut: false };
}
