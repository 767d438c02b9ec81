import type { TenantSettingsRecord } from "./tenant-settings-records.js";

/** Where tenants' settings are kept (embedded store or PostgreSQL; one contract test for both). */
export interface TenantSettingsRepository {
  /** The stored record; undefined while the tenant has the defaults. */
  get(tenantId: string): Promise<TenantSettingsRecord | undefined>;
  /** Those tenants that have a retention set (the retention sweep's list), by id. */
  withRetention(): Promise<{ id: string; retentionDays: number }[]>;
  put(record: TenantSettingsRecord): Promise<void>;
  /** The tenant is gone. */
  delete(tenantId: string): Promise<boolean>;
}
