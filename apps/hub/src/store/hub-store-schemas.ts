import type { CollectionSchemas } from "@canopy/store";
import { ContentItemRecord, ContentRevisionRecord } from "../content/content-records.js";
import { DASHBOARDS_COLLECTION, DashboardRecord } from "../dashboards/dashboards.js";
import { AGENT_SHARDS, AgentRecord, ApiKeyRecord, AuditRecord, Collections, InviteRecord, MetaRecord, PairingCodeRecord, RoleRecord, SessionRecord, TENANT_SHARDS, TenantRecord, UserRecord } from "../domain/records.js";
import { InsightCollections, InsightRecord, PendingUpdateRecord, UpdateErrorRecord } from "../insights/insight-records.js";
import { UsageDayRecord, USAGE_COLLECTION_PREFIX } from "../insights/usage/usage-records.js";
import { SAVED_SEARCHES_COLLECTION, SavedSearchRecord } from "../saved-searches/saved-searches.js";
import { TENANT_SETTINGS_COLLECTION, TenantSettingsRecord } from "../settings/tenant-settings-records.js";
import { DesiredEntry, PushPlanDoc, PushRecord, ReportedEntry, TenantResultsDoc, pushCollections } from "../push/push-records.js";

/**
 * Every collection the hub keeps, with the schema its documents are checked against when the
 * store opens (and by `canopy-hub store check`). Partitioned collections are named by pattern:
 * `tenants.*` is `tenants.<shard>`, `audit.*` is `audit.<YYYY-MM-DD>[.<chunk>]` (and
 * `audit.<YYYY-MM>` from older versions), `insights.*` is `insights.<hex tenant>.<shard>`, and so on.
 */
export const hubStoreSchemas: CollectionSchemas = {
  [Collections.users]: UserRecord,
  [Collections.roles]: RoleRecord,
  [Collections.invites]: InviteRecord,
  [Collections.sessions]: SessionRecord,
  [Collections.apiKeys]: ApiKeyRecord,
  [`${Collections.tenants}.*`]: TenantRecord,
  [`${Collections.agents}.*`]: AgentRecord,
  // As older versions kept them whole: checked when found, carried into the shards at start.
  [Collections.tenants]: TenantRecord,
  [Collections.agents]: AgentRecord,
  [Collections.pairingCodes]: PairingCodeRecord,
  [Collections.meta]: MetaRecord,
  "audit.*": AuditRecord,
  "content.*": ContentItemRecord,
  "content-revisions.*": ContentRevisionRecord,
  [pushCollections.pushes]: PushRecord,
  "push-plan.*": PushPlanDoc,
  "push-results.*": TenantResultsDoc,
  "desired.*": DesiredEntry,
  "reported.*": ReportedEntry,
  [DASHBOARDS_COLLECTION]: DashboardRecord,
  [SAVED_SEARCHES_COLLECTION]: SavedSearchRecord,
  "insights.*": InsightRecord,
  [InsightCollections.updates]: PendingUpdateRecord,
  [InsightCollections.updateErrors]: UpdateErrorRecord,
  [`${TENANT_SETTINGS_COLLECTION}.*`]: TenantSettingsRecord,
  [`${USAGE_COLLECTION_PREFIX}.*`]: UsageDayRecord,
};

/**
 * Collections older versions kept whole and this one shards: a `tenants.json` or `agents.json`
 * found when the store opens is carried into its shards (and removed once they are durable).
 */
export const hubStoreReshards: Readonly<Record<string, number>> = {
  [Collections.tenants]: TENANT_SHARDS,
  [Collections.agents]: AGENT_SHARDS,
};
