import type { TenantRepository } from "../domain/tenant-repository.js";
import type { TenantViews } from "../domain/tenant-views.js";
import type { TenantHealth } from "./dashboard-sources.js";

/** The hub's tenants as dashboards read them. */
export interface TenantDirectoryReader {
  /** Every tenant as its view shows it now (status and RTT are live, from presence). */
  all(): Promise<readonly TenantHealth[]>;
  /** Those of `ids` that are tenants. */
  existing(ids: readonly string[]): Promise<ReadonlySet<string>>;
}

export function tenantDirectory(views: TenantViews, tenants: Pick<TenantRepository, "getMany">): TenantDirectoryReader {
  return {
    all: () => views.all(),
    existing: async (ids) => new Set((await tenants.getMany(ids)).keys()),
  };
}
