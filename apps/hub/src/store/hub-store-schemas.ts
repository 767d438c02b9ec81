import type { CollectionSchemas } from "@canopy/store";
import { ContentItemRecord, ContentRevisionRecord } from "../content/content-records.js";
import { DASHBOARDS_COLLECTION, DashboardRecord } from "../dashboards/dashboards.js";
import { AgentRecord, ApiKeyRecord, AuditRecord, Collections, MetaRecord, PairingCodeRecord, SessionRecord, TenantRecord, UserRecord } from "../domain/records.js";
import { InsightCollections, InsightRecord, PendingUpdateRecord, UpdateErrorRecord } from "../insights/insight-records.js";
import { DesiredEntry, PushPlanDoc, PushRecord, ReportedEntry, TenantResultsDoc, pushCollections } from "../push/push-records.js";

/**
 * Every collection the hub keeps, with the schema its documents are checked against when the
 * store opens (and by `canopy-hub store check`). Partitioned collections are named by pattern:
 * `audit.*` is `audit.<YYYY-MM>`, `insights.*` is `insights.<hex tenant>.<shard>`, and so on.
 */
export const hubStoreSchemas: CollectionSchemas = {
  [Collections.users]: UserRecord,
  [Collections.sessions]: SessionRecord,
  [Collections.apiKeys]: ApiKeyRecord,
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
  "insights.*": InsightRecord,
  [InsightCollections.updates]: PendingUpdateRecord,
  [InsightCollections.updateErrors]: UpdateErrorRecord,
};
