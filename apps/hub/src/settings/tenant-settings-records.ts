import { TenantSettingsSchema } from "@canopy/api";
import { z } from "zod";

/**
 * A tenant's settings as stored: every field (defaults filled in when first written), by tenant
 * id. Embedded: `tenant-settings.<shard>` (TENANT_SHARDS shards by id). PostgreSQL: the
 * `canopy_tenant_settings` table (tenant-usage-migration.ts). A tenant without a record has the
 * defaults (DEFAULT_TENANT_SETTINGS).
 */
export const TenantSettingsRecord = TenantSettingsSchema.extend({
  id: z.string(),
  updatedAt: z.string(),
});
export type TenantSettingsRecord = z.infer<typeof TenantSettingsRecord>;

export const TENANT_SETTINGS_COLLECTION = "tenant-settings";
