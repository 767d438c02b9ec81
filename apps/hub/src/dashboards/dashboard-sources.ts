import type { PushResultStatus, Tenant } from "@canopy/api";
import type { InsightFigures } from "./insight-figures.js";

/** What node health and the tenant table show of a tenant (a slice of the API's `Tenant`). */
export type TenantHealth = Pick<Tenant, "id" | "name" | "status" | "lastSeenAt" | "rttMs" | "agentVersion" | "hostname">;

/** Every tenant the hub knows, with its agent's state now. */
export interface TenantDirectory {
  all(): readonly TenantHealth[];
}

/** Push results counted by status, over the pushes made in `[from, to)`. */
export interface PushOutcomeSource {
  outcomes(from: number | null, to: number, tenantIds: ReadonlySet<string> | null): Promise<Record<PushResultStatus, number>>;
}

/**
 * Everything a widget reads. Widgets are pure functions of (widget, sources, now), so tests
 * hand them arrays and the hub hands them its insight repository's figures, tenant views and push ledger.
 */
export interface DashboardSources {
  readonly insights: InsightFigures;
  readonly tenants: TenantDirectory;
  readonly pushes: PushOutcomeSource;
}
