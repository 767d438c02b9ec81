import type { Push, PushProgress, PushResult, PushResultStatus, PushState } from "$lib/api";

/** A result as the UI shows it: the hub keeps results lean, so the tenant's name and the item's
 * revision are filled in from the tenant directory and the push's items. */
export type ShownResult = PushResult & { tenantName: string; revision: number | null };

/** Names each result's tenant and revision; `nameOf` is the tenant directory (the id stands in). */
export function showResults(
  results: readonly PushResult[],
  items: Push["items"],
  nameOf: (tenantId: string) => string | undefined,
): ShownResult[] {
  const revisions = new Map(items.map((item) => [`${item.kind}\u0000${item.name}`, item.revision]));
  return results.map((result) => ({
    ...result,
    tenantName: nameOf(result.tenantId) ?? result.tenantId,
    revision: revisions.get(`${result.kind}\u0000${result.name}`) ?? null,
  }));
}

export const RESULT_STATUSES: readonly PushResultStatus[] = ["pending", "applied", "unchanged", "failed", "skipped", "stopped"];

export const RESULT_LABELS: Record<PushResultStatus, string> = {
  pending: "Pending",
  applied: "Applied",
  unchanged: "Unchanged",
  failed: "Failed",
  skipped: "Skipped",
  stopped: "Stopped",
};

/** How a removal's outcome reads where it differs from a delivery's. */
export const REMOVAL_LABELS: Partial<Record<PushResultStatus, string>> = {
  pending: "Removal pending",
  applied: "Removed",
  unchanged: "Not held",
  failed: "Removal failed",
};

export const STATE_LABELS: Record<PushState, string> = {
  running: "Running",
  completed: "Completed",
  completed_with_errors: "Completed with errors",
  stopped: "Stopped",
};

/** A count per result status: the hub's progress without its total. */
export type StatusCounts = Omit<PushProgress, "total">;

export function emptyCounts(): StatusCounts {
  return { pending: 0, applied: 0, unchanged: 0, failed: 0, skipped: 0, stopped: 0 };
}

export interface TenantProgress {
  tenantId: string;
  tenantName: string;
  total: number;
  counts: StatusCounts;
  /** The first failures of this tenant's items (failed or skipped), with the item they belong to. */
  errors: { name: string; error: string }[];
}

const MAX_ERRORS_PER_TENANT = 3;

/** One row per tenant: its items' outcomes, ordered by name. */
export function progressByTenant(results: readonly ShownResult[]): TenantProgress[] {
  const rows = new Map<string, TenantProgress>();
  for (const result of results) {
    let row = rows.get(result.tenantId);
    if (!row) {
      row = { tenantId: result.tenantId, tenantName: result.tenantName, total: 0, counts: emptyCounts(), errors: [] };
      rows.set(result.tenantId, row);
    }
    row.total += 1;
    row.counts[result.status] += 1;
    const failed = result.status === "failed" || result.status === "skipped";
    if (failed && result.error && row.errors.length < MAX_ERRORS_PER_TENANT) row.errors.push({ name: result.name, error: result.error });
  }
  return [...rows.values()].sort((a, b) => a.tenantName.localeCompare(b.tenantName));
}


/**
 * What a progress bar shows, in this order: applied, unchanged, failed, skipped, then stopped.
 * Stopped deliveries fill their part of the bar in their own tone but are not done: a stopped
 * push shows how far it got, not 100 %.
 */
export function progressSegments(counts: StatusCounts) {
  return [
    { count: counts.applied, tone: "ok" as const },
    { count: counts.unchanged, tone: "muted" as const },
    { count: counts.failed, tone: "bad" as const },
    { count: counts.skipped, tone: "warn" as const },
    { count: counts.stopped, tone: "stopped" as const, done: false },
  ];
}

/** Deliveries that reached an outcome (applied, unchanged, failed, skipped); stopped and pending ones did not. */
export function doneCount(counts: StatusCounts, total: number): number {
  return Math.max(0, total - counts.pending - counts.stopped);
}

/** Results with the same tenant, kind and name are the same result; the later one wins. */
export function mergeResults<R extends PushResult>(current: readonly R[], incoming: readonly R[]): R[] {
  const key = (result: R) => `${result.tenantId}\u0000${result.kind}\u0000${result.name}`;
  const merged = new Map(current.map((result) => [key(result), result]));
  for (const result of incoming) merged.set(key(result), result);
  return [...merged.values()];
}
