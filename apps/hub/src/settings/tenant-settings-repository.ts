import type { SecurityAccountOf } from "../orgs/security-accounts.js";
import type { TenantSettingsRecord } from "./tenant-settings-records.js";

export interface ClosedToParents {
  id: string;
  searchableFromParent: boolean;
  accessibleByParent: boolean;
}

/** Where tenants' settings are kept (embedded store or PostgreSQL; one contract test for both). */
export interface TenantSettingsRepository {
  /** The stored record; undefined while the tenant has the defaults. */
  get(tenantId: string): Promise<TenantSettingsRecord | undefined>;
  /** Those tenants that have a retention set (the retention sweep's list), by id. */
  withRetention(): Promise<{ id: string; retentionDays: number }[]>;
  /** Tenants closed to their parents' users in some way (not searchable, or not accessible): few, read whole. */
  closedToParents(): Promise<ClosedToParents[]>;
  /** The organizations that set a security account: few, read whole. */
  securityAccounts(): Promise<SecurityAccountOf[]>;
  put(record: TenantSettingsRecord): Promise<void>;
  /** The tenant is gone. */
  delete(tenantId: string): Promise<boolean>;
}
