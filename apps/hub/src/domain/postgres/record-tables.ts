import type { Doc } from "@canopy/store";
import { CONTENT_COLUMNS, contentRow, REVISION_COLUMNS, revisionRow } from "../../content/postgres/content-rows.js";
import type { ContentItemRecord, ContentRevisionRecord } from "../../content/content-records.js";
import { DASHBOARDS_COLLECTION, type DashboardRecord } from "../../dashboards/dashboards.js";
import { DASHBOARD_COLUMNS, dashboardRow } from "../../dashboards/postgres-dashboards.js";
import { SAVED_SEARCH_COLUMNS, savedSearchRow } from "../../saved-searches/postgres-saved-searches.js";
import { SAVED_SEARCHES_COLLECTION, type SavedSearchRecord } from "../../saved-searches/saved-searches.js";
import { Collections, type AgentRecord, type ApiKeyRecord, type PairingCodeRecord, type SessionRecord, type TenantRecord, type UserRecord } from "../records.js";
import type { SqlClient } from "./sql-client.js";
import { AGENT_COLUMNS, agentRow, PAIRING_CODE_COLUMNS, pairingCodeRow, TENANT_COLUMNS, tenantRow } from "./tenant-rows.js";

interface RecordTable {
  table: string;
  columns: string;
  row(doc: Doc): unknown[];
}

const TABLES: Readonly<Record<string, RecordTable>> = {
  [Collections.users]: { table: "canopy_users", columns: "id, email, doc", row: (d) => [d.id, (d as UserRecord).email, JSON.stringify(d)] },
  [Collections.sessions]: { table: "canopy_sessions", columns: "id, expires_at, doc", row: (d) => [d.id, (d as SessionRecord).expiresAt, JSON.stringify(d)] },
  [Collections.apiKeys]: { table: "canopy_api_keys", columns: "id, created_at, doc", row: (d) => [d.id, (d as ApiKeyRecord).createdAt, JSON.stringify(d)] },
  [Collections.tenants]: { table: "canopy_tenants", columns: TENANT_COLUMNS, row: (d) => tenantRow(d as TenantRecord) },
  [Collections.agents]: { table: "canopy_agents", columns: AGENT_COLUMNS, row: (d) => agentRow(d as AgentRecord) },
  [DASHBOARDS_COLLECTION]: { table: "canopy_dashboards", columns: DASHBOARD_COLUMNS, row: (d) => dashboardRow(d as DashboardRecord) },
  [SAVED_SEARCHES_COLLECTION]: { table: "canopy_saved_searches", columns: SAVED_SEARCH_COLUMNS, row: (d) => savedSearchRow(d as SavedSearchRecord) },
  // Per kind: `content.siem-rule`, `content-revisions.playbook`.
  content: { table: "canopy_content", columns: CONTENT_COLUMNS, row: (d) => contentRow(d as ContentItemRecord) },
  "content-revisions": { table: "canopy_content_revisions", columns: REVISION_COLUMNS, row: (d) => revisionRow(d as ContentRevisionRecord) },
  [Collections.pairingCodes]: { table: "canopy_pairing_codes", columns: PAIRING_CODE_COLUMNS, row: (d) => pairingCodeRow(d as PairingCodeRecord) },
};

/** The table behind a store collection on PostgreSQL (`tenants.17` is a shard of `tenants`), if it has one. */
function tableOf(collection: string): RecordTable | undefined {
  const dot = collection.lastIndexOf(".");
  return TABLES[collection] ?? (dot > 0 ? TABLES[collection.slice(0, dot)] : undefined);
}

export const hasRecordTable = (collection: string): boolean => tableOf(collection) !== undefined;

/** Rows per statement: seven columns stay well within PostgreSQL's 65,535 parameters. */
const ROWS_PER_STATEMENT = 1000;

/**
 * `migrate-store`: an embedded collection's documents into their table on PostgreSQL, with the
 * columns the repositories compute (inside the copy's transaction).
 */
export async function copyIntoRecordTable(sql: SqlClient, collection: string, docs: readonly Doc[]): Promise<void> {
  const target = tableOf(collection);
  if (!target) throw new Error(`no table for the collection ${collection}`);
  for (let start = 0; start < docs.length; start += ROWS_PER_STATEMENT) {
    const values: unknown[] = [];
    const rows = docs.slice(start, start + ROWS_PER_STATEMENT).map((doc) => {
      const row = target.row(doc);
      return `(${row.map((value) => `$${values.push(value)}`).join(", ")})`;
    });
    await sql.query(`INSERT INTO ${target.table} (${target.columns}) VALUES ${rows.join(", ")}`, values);
  }
}
