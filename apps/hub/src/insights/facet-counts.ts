import { INSIGHT_SEVERITIES, INSIGHT_STATUSES, type InsightSeverity, type InsightStatus } from "@canopy/protocol";

const STATUS_INDEX = new Map(INSIGHT_STATUSES.map((status, i) => [status, i]));
const SEVERITY_INDEX = new Map(INSIGHT_SEVERITIES.map((severity, i) => [severity, i]));
const CELLS = INSIGHT_STATUSES.length * INSIGHT_SEVERITIES.length;

function cell(status: InsightStatus, severity: InsightSeverity): number {
  return STATUS_INDEX.get(status)! * INSIGHT_SEVERITIES.length + SEVERITY_INDEX.get(severity)!;
}

export interface FacetSelection {
  tenantIds?: readonly string[] | undefined;
  statuses?: readonly InsightStatus[] | undefined;
  severities?: readonly InsightSeverity[] | undefined;
}

/**
 * How many insights each tenant has per status and severity, kept as entries come and go. The
 * total of a list filtered only by these three fields (the board's columns, most lists) is then a
 * sum over a few cells instead of a pass over the matches.
 */
export class FacetCounts {
  readonly #byTenant = new Map<string, Uint32Array>();

  add(tenantId: string, status: InsightStatus, severity: InsightSeverity, delta: 1 | -1): void {
    let cells = this.#byTenant.get(tenantId);
    if (!cells) this.#byTenant.set(tenantId, (cells = new Uint32Array(CELLS)));
    cells[cell(status, severity)]! += delta;
  }

  forget(tenantId: string): void {
    this.#byTenant.delete(tenantId);
  }

  count(selection: FacetSelection): number {
    const statuses = selection.statuses ?? INSIGHT_STATUSES;
    const severities = selection.severities ?? INSIGHT_SEVERITIES;
    const tenants = selection.tenantIds ? new Set(selection.tenantIds) : this.#byTenant.keys();
    let total = 0;
    for (const tenantId of tenants) {
      const cells = this.#byTenant.get(tenantId);
      if (!cells) continue;
      for (const status of new Set(statuses)) for (const severity of new Set(severities)) total += cells[cell(status, severity)]!;
    }
    return total;
  }
}
