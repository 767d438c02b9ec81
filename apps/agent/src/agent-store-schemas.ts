import type { CollectionSchemas } from "@canopy/store";
import { CREDENTIALS_COLLECTION, CredentialsDoc } from "./credentials.js";
import { StoredInsight } from "./insight-doc.js";
import { OUTBOX_COLLECTION, OutboxDoc } from "./insight-outbox.js";
import { TENANT_SETTINGS_COLLECTION, TenantSettingsDoc } from "./insight-retention.js";
import { ManifestDoc } from "./manifest.js";
import { CONTENT_COLLECTION, INSIGHTS_COLLECTION } from "./system-info.js";

/**
 * Every collection in the agent's `state/` folder with the schema its documents are checked
 * against when the store opens: credentials, the content manifest, the insights (16 shards
 * `insights.<n>`, and the unsharded `insights` of older versions) and the outbox. A function,
 * read when a store opens: the credentials module opens stores itself.
 */
export function agentStoreSchemas(): CollectionSchemas {
  return {
    [CREDENTIALS_COLLECTION]: CredentialsDoc,
    [CONTENT_COLLECTION]: ManifestDoc,
    [INSIGHTS_COLLECTION]: StoredInsight,
    [`${INSIGHTS_COLLECTION}.*`]: StoredInsight,
    [OUTBOX_COLLECTION]: OutboxDoc,
    [TENANT_SETTINGS_COLLECTION]: TenantSettingsDoc,
  };
}
