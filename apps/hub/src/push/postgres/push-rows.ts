import { PUSH_RESULT_STATUSES, type PushProgress, type PushResultStatus } from "@canopy/api";
import { emptyProgress, type PushPlanDoc, type PushRecord } from "../push-records.js";
import type { StoredResult } from "../push-repository.js";

/** `canopy_pushes`' columns, in the order `pushRow` gives them. */
export const PUSH_COLUMNS = "id, created_at, created_by, state, kinds, item_ids, doc, plan";

/** A push as a row: the columns `page()` filters by, then the record and plan as they are. */
export const pushRow = (record: PushRecord, plan: PushPlanDoc): unknown[] => [
  record.id,
  record.createdAt,
  record.createdBy,
  record.state,
  record.kinds,
  [...new Set(plan.items.map((item) => item.itemId))],
  JSON.stringify(record),
  JSON.stringify(plan),
];

/**
 * An error as a `text` column takes it: PostgreSQL text cannot hold NUL, which an agent's
 * message may, and a refused row would roll back the whole unit of work.
 */
export const storableError = (error: string | undefined): string | null => (error === undefined ? null : error.replaceAll("\u0000", "\uFFFD"));

/** A result as stored: its tenant and item by their positions in the plan (1-based). */
export interface OrdinalRow {
  tenant_ord: number;
  item_ord: number;
  status: PushResultStatus;
  error: string | null;
}

export const resultOf = (pushId: string, tenantId: string, key: string, row: OrdinalRow): StoredResult =>
  row.error === null ? { pushId, tenantId, key, status: row.status } : { pushId, tenantId, key, status: row.status, error: row.error };

/** Counts by status from `(status, n)` rows (`n` a bigint, so text from `pg`). */
export function countsOf(rows: readonly { status: PushResultStatus; n: string }[]): Record<PushResultStatus, number> {
  const counts = Object.fromEntries(PUSH_RESULT_STATUSES.map((status) => [status, 0])) as Record<PushResultStatus, number>;
  for (const row of rows) counts[row.status] += Number(row.n);
  return counts;
}

export function progressOf(rows: readonly { status: PushResultStatus; n: string }[]): PushProgress {
  const counts = countsOf(rows);
  const total = PUSH_RESULT_STATUSES.reduce((sum, status) => sum + counts[status], 0);
  return { ...emptyProgress(), ...counts, total };
}
