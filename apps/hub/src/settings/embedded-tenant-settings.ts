import { ShardedCollection, type Store } from "@canopy/store";
import { TENANT_SHARDS } from "../domain/records.js";
import { TENANT_SETTINGS_COLLECTION, type TenantSettingsRecord } from "./tenant-settings-records.js";
import type { TenantSettingsRepository } from "./tenant-settings-repository.js";

/** Settings in the embedded store, sharded as tenants are (a change rewrites one shard). */
export function embeddedTenantSettings(store: Store): TenantSettingsRepository {
  const docs = new ShardedCollection<TenantSettingsRecord>(store, TENANT_SETTINGS_COLLECTION, TENANT_SHARDS);
  return {
    get: async (tenantId) => docs.get(tenantId),
    withRetention: async () =>
      docs.filter((doc) => doc.retentionDays !== null).map((doc) => ({ id: doc.id, retentionDays: doc.retentionDays! })),
    closedToParents: async () =>
      docs
        .filter((doc) => !doc.searchableFromParent || !doc.accessibleByParent)
        .map((doc) => ({ id: doc.id, searchableFromParent: doc.searchableFromParent, accessibleByParent: doc.accessibleByParent })),
    securityAccounts: async () =>
      docs
        .filter((doc) => doc.securityAccount !== null && doc.securityAccount !== undefined)
        .map((doc) => ({ orgId: doc.id, name: doc.securityAccount!.name, enabledFor: doc.securityAccount!.enabledFor })),
    put: async (record) => void docs.put(record),
    delete: async (tenantId) => docs.delete(tenantId),
  };
}
