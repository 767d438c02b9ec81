import type { Migration } from "@canopy/store";

/**
 * Issue 12's tenant settings and the daily insight volume:
 * - `canopy_tenant_settings`: one row per tenant that changed a setting (the others have the
 *   defaults); `retention_days` is a column so the retention sweep reads only tenants with one.
 * - `insight_usage`: accepted insights and their bytes per tenant and UTC day (`YYYY-MM-DD`,
 *   `COLLATE "C"` so day ranges compare as strings), added to by the same statement that stores
 *   a batch (postgres-insight-repository.ts), so a crash cannot count a batch it did not keep.
 */
export const tenantUsageMigration = (version: number): Migration => ({
  version,
  name: "tenant-usage",
  sql: `
    CREATE TABLE canopy_tenant_settings (
      tenant_id text COLLATE "C" PRIMARY KEY,
      retention_days integer,
      doc json NOT NULL
    );
    CREATE INDEX canopy_tenant_settings_retention ON canopy_tenant_settings (tenant_id) WHERE retention_days IS NOT NULL;
    CREATE TABLE insight_usage (
      tenant_id text COLLATE "C" NOT NULL,
      day text COLLATE "C" NOT NULL,
      count bigint NOT NULL,
      bytes bigint NOT NULL,
      PRIMARY KEY (tenant_id, day)
    );
  `,
});
