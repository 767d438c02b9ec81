import type { InsightQuery, InsightSeverity, InsightStatus, InsightTimeField } from "$lib/api";
import { isSeverity, isStatus } from "./labels";

export const SORTS = ["createdAt", "updatedAt", "severity"] as const;
export type InsightSort = (typeof SORTS)[number];
export type SortOrder = "asc" | "desc";

export const TIME_FIELDS = ["createdAt", "updatedAt", "closedAt"] as const satisfies readonly InsightTimeField[];

/** Time ranges offered in the filter bar; `custom` uses `from`/`to`. */
export const RANGES = {
  "": { label: "Any time", ms: 0 },
  "1h": { label: "Last hour", ms: 3_600_000 },
  "24h": { label: "Last 24 hours", ms: 86_400_000 },
  "7d": { label: "Last 7 days", ms: 7 * 86_400_000 },
  "30d": { label: "Last 30 days", ms: 30 * 86_400_000 },
  custom: { label: "Between…", ms: 0 },
} as const;
export type RangeKey = keyof typeof RANGES;

/** Everything that chooses which insights a view shows, as the filter bar edits it. */
export interface InsightFilters {
  tenants: string[];
  statuses: InsightStatus[];
  severities: InsightSeverity[];
  tactic: string;
  technique: string;
  q: string;
  range: RangeKey;
  /** ISO instants, used when `range` is `custom`. */
  from: string;
  to: string;
  timeField: InsightTimeField;
  sort: InsightSort;
  order: SortOrder;
}

export const emptyFilters = (): InsightFilters => ({
  tenants: [],
  statuses: [],
  severities: [],
  tactic: "",
  technique: "",
  q: "",
  range: "",
  from: "",
  to: "",
  timeField: "createdAt",
  sort: "createdAt",
  order: "desc",
});

/** The keys filters use in the address, so other params (`open`) are left alone. */
export const FILTER_PARAMS = ["tenant", "status", "severity", "tactic", "technique", "q", "range", "from", "to", "time", "sort", "order"] as const;

const list = (value: string | null): string[] => [...new Set((value ?? "").split(",").map((v) => v.trim()).filter(Boolean))];
const validIso = (value: string | null): string => (value && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : "");
const oneOf = <T extends string>(value: string | null, allowed: readonly T[], fallback: T): T =>
  allowed.includes(value as T) ? (value as T) : fallback;

/** Filters from the address (`?tenant=a,b&status=new&severity=high,critical&q=…`); unknown values are dropped. */
export function parseFilters(params: URLSearchParams): InsightFilters {
  const range = params.get("range") ?? "";
  return {
    tenants: list(params.get("tenant")),
    statuses: list(params.get("status")).filter(isStatus),
    severities: list(params.get("severity")).filter(isSeverity),
    tactic: params.get("tactic")?.trim() ?? "",
    technique: params.get("technique")?.trim() ?? "",
    q: params.get("q") ?? "",
    range: Object.hasOwn(RANGES, range) ? (range as RangeKey) : "",
    from: validIso(params.get("from")),
    to: validIso(params.get("to")),
    timeField: oneOf(params.get("time"), TIME_FIELDS, "createdAt"),
    sort: oneOf(params.get("sort"), SORTS, "createdAt"),
    order: oneOf(params.get("order"), ["asc", "desc"] as const, "desc"),
  };
}

/** The address form of the filters: every key of FILTER_PARAMS, "" where the default applies. */
export function filterParams(filters: InsightFilters): Record<(typeof FILTER_PARAMS)[number], string> {
  const custom = filters.range === "custom";
  return {
    tenant: filters.tenants.join(","),
    status: filters.statuses.join(","),
    severity: filters.severities.join(","),
    tactic: filters.tactic.trim(),
    technique: filters.technique.trim(),
    q: filters.q.trim(),
    range: filters.range,
    from: custom ? filters.from : "",
    to: custom ? filters.to : "",
    time: filters.range && filters.timeField !== "createdAt" ? filters.timeField : "",
    sort: filters.sort === "createdAt" ? "" : filters.sort,
    order: filters.order === "desc" ? "" : filters.order,
  };
}

/** `?tenant=…&status=…` for links that keep the current filters (list ↔ board). */
export function filterSearch(filters: InsightFilters): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(filterParams(filters))) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** The `GET /insights` query for these filters; a relative range is measured back from `now`. */
export function insightQuery(filters: InsightFilters, now: number): InsightQuery {
  const query: InsightQuery = { sort: filters.sort, order: filters.order };
  if (filters.tenants.length > 0) query.tenantId = filters.tenants;
  if (filters.statuses.length > 0) query.status = filters.statuses;
  if (filters.severities.length > 0) query.severity = filters.severities;
  if (filters.tactic.trim()) query.tactic = tacticTerms(filters.tactic);
  if (filters.technique.trim()) query.technique = techniqueTerms(filters.technique);
  if (filters.q.trim()) query.q = filters.q.trim();
  const range = RANGES[filters.range];
  if (filters.range === "custom") {
    if (filters.from) query.from = filters.from;
    if (filters.to) query.to = filters.to;
  } else if (range.ms > 0) {
    query.from = new Date(now - range.ms).toISOString();
  }
  if (query.from || query.to) query.timeField = filters.timeField;
  return query;
}

/** `Credential Access, execution` → `credential-access`, `execution` (tactics travel by short name). */
export function tacticTerms(text: string): string[] {
  return list(text.toLowerCase()).map((term) => term.replaceAll(/[\s_]+/g, "-"));
}

/** `t1003 T1059.001` → `T1003`, `T1059.001`; one of the terms must match. */
export function techniqueTerms(text: string): string[] {
  return list(text.replaceAll(/\s+/g, ",")).map((term) => (/^t\d/.test(term) ? term.toUpperCase() : term));
}

/** How many filters narrow the view (the sort does not). */
export function activeFilterCount(filters: InsightFilters): number {
  return [
    filters.tenants.length > 0,
    filters.statuses.length > 0,
    filters.severities.length > 0,
    filters.tactic.trim() !== "",
    filters.technique.trim() !== "",
    filters.q.trim() !== "",
    filters.range !== "",
  ].filter(Boolean).length;
}

/** ISO → the value of a `datetime-local` input, in the browser's time zone. */
export function isoToLocalInput(iso: string): string {
  if (!iso) return "";
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

/** A `datetime-local` value (local time) → ISO; "" when empty or invalid. */
export function localInputToIso(value: string): string {
  if (!value) return "";
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? "" : at.toISOString();
}
