import { INSIGHT_SEVERITIES } from "@canopy/protocol";
import { problems } from "../core/problem-error.js";
import { SEVERITY_RANK, probeEntry, type InsightEntry } from "./insight-entry.js";

/** The sorts a list offers. */
export type SortField = "createdAt" | "updatedAt" | "severity";
/** Every ordered key the index keeps: the sorts, and `closedAt` for time ranges. */
export type OrderedField = SortField | "closedAt";
export type SortDirection = "asc" | "desc";

/**
 * One ordered key of the index: a total order over entries (ties broken by the hub id, so every
 * position is unique), the values that place an entry in it, and a probe standing at a position.
 */
export interface SortOrder {
  readonly field: OrderedField;
  compare(a: InsightEntry, b: InsightEntry): number;
  /** The numbers (besides the key) that place `entry`; they go into a cursor. */
  values(entry: InsightEntry): number[];
  /** An object that compares like an entry with these values and key (for tree lookups). */
  probe(values: readonly number[], key: string): InsightEntry;
  /** Whether an entry of this field's order changed position between two versions. */
  moved(before: InsightEntry, after: InsightEntry): boolean;
}

const compareKeys = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

// One comparator per field, without computed property access: they run millions of times.
const byCreated = (a: InsightEntry, b: InsightEntry) => a.createdAt - b.createdAt || compareKeys(a.key, b.key);
const byUpdated = (a: InsightEntry, b: InsightEntry) => a.updatedAt - b.updatedAt || compareKeys(a.key, b.key);
const byClosed = (a: InsightEntry, b: InsightEntry) => a.closedAt! - b.closedAt! || compareKeys(a.key, b.key);
/** Severity, then creation time, then id: within a severity the newest come first (descending). */
const bySeverity = (a: InsightEntry, b: InsightEntry) =>
  SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || a.createdAt - b.createdAt || compareKeys(a.key, b.key);

function timeOrder(field: "createdAt" | "updatedAt" | "closedAt", compare: SortOrder["compare"]): SortOrder {
  return {
    field,
    compare,
    values: (entry) => [entry[field]!],
    probe: (values, key) => probeEntry({ [field]: values[0], key }),
    moved: (before, after) => before[field] !== after[field],
  };
}

const severityOrder: SortOrder = {
  field: "severity",
  compare: bySeverity,
  values: (entry) => [SEVERITY_RANK[entry.severity], entry.createdAt],
  probe: (values, key) => probeEntry({ severity: INSIGHT_SEVERITIES[values[0]!], createdAt: values[1]!, key }),
  moved: (before, after) => before.severity !== after.severity || before.createdAt !== after.createdAt,
};

export const SORT_ORDERS: Record<OrderedField, SortOrder> = {
  createdAt: timeOrder("createdAt", byCreated),
  updatedAt: timeOrder("updatedAt", byUpdated),
  closedAt: timeOrder("closedAt", byClosed),
  severity: severityOrder,
};

/** A position in one sort: the last item of the previous page. */
export interface CursorPosition {
  values: number[];
  key: string;
}

/** Opaque to clients: base64url of `[sort, direction, ...values, key]`. */
export function encodeCursor(sort: SortField, direction: SortDirection, entry: InsightEntry): string {
  const order = SORT_ORDERS[sort];
  return Buffer.from(JSON.stringify([sort, direction, ...order.values(entry), entry.key]), "utf8").toString("base64url");
}

/** The position a cursor names; 422 when it is not one of ours or was made for another sort. */
export function decodeCursor(cursor: string, sort: SortField, direction: SortDirection): CursorPosition {
  const refuse = (message: string) => problems.invalid([{ path: "cursor", message }]);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw refuse("not a cursor from this API");
  }
  if (!Array.isArray(parsed)) throw refuse("not a cursor from this API");
  const [cursorSort, cursorDirection, ...rest] = parsed as unknown[];
  if (cursorSort !== sort || cursorDirection !== direction) throw refuse("this cursor belongs to another sort order; start again without it");
  const valueCount = sort === "severity" ? 2 : 1;
  if (rest.length !== valueCount + 1) throw refuse("not a cursor from this API");
  const values = rest.slice(0, valueCount);
  const key = rest[valueCount];
  if (!values.every((v) => typeof v === "number" && Number.isFinite(v)) || typeof key !== "string") throw refuse("not a cursor from this API");
  if (sort === "severity" && INSIGHT_SEVERITIES[values[0] as number] === undefined) throw refuse("not a cursor from this API");
  return { values: values as number[], key };
}
