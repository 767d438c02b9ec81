import type { CollectionSchemas } from "@canopy/store";
import { CREDENTIALS_COLLECTION, CredentialsDoc } from "../identity/credentials.js";
import { StoredInsight } from "../insights/insight-doc.js";
import { INSIGHTS_COLLECTION } from "../insights/insight-store.js";
import { OUTBOX_COLLECTION, OutboxDoc } from "../insights/insight-outbox.js";
import { TENANT_SETTINGS_COLLECTION, TenantSettingsDoc } from "../insights/insight-retention.js";
import { CONTENT_COLLECTION, ManifestDoc } from "../content/manifest.js";

/**
 * Every collection in the agent's `state/` folder with the schema its documents are checked
 * against when the store opens: credentials, the content manifest (segments `content.<n>`, and
 * the single `content` of older versions), the insights (16 shards
 * `insights.<n>`, and the unsharded `insights` of older versions) and the outbox. A function,
 * read when a store opens: the credentials module opens stores itself.
 */
export function agentStoreSchemas(): CollectionSchemas {
  return {
    [CREDENTIALS_COLLECTION]: CredentialsDoc,
    [CONTENT_COLLECTION]: ManifestDoc,
    [`${CONTENT_COLLECTION}.*`]: ManifestDoc,
    [INSIGHTS_COLLECTION]: StoredInsight,
    [`${INSIGHTS_COLLECTION}.*`]: StoredInsight,
    [OUTBOX_COLLECTION]: OutboxDoc,
    [TENANT_SETTINGS_COLLECTION]: TenantSettingsDoc,
  };
}
