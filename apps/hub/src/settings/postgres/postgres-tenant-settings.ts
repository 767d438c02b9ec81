import type { SqlClient } from "../../domain/postgres/sql-client.js";
import type { TenantSettingsRecord } from "../tenant-settings-records.js";
import type { TenantSettingsRepository } from "../tenant-settings-repository.js";

/** Settings in `canopy_tenant_settings`; `retention_days` is a column so the sweep reads only those with one. */
export function postgresTenantSettings(sql: SqlClient): TenantSettingsRepository {
  return {
    async get(tenantId) {
      const { rows } = await sql.query<{ doc: TenantSettingsRecord }>("SELECT doc FROM canopy_tenant_settings WHERE tenant_id = $1", [tenantId]);
      return rows[0]?.doc;
    },
    async withRetention() {
      const { rows } = await sql.query<{ id: string; retention_days: number }>(
        "SELECT tenant_id AS id, retention_days FROM canopy_tenant_settings WHERE retention_days IS NOT NULL",
      );
      return rows.map((row) => ({ id: row.id, retentionDays: row.retention_days }));
    },
    async closedToParents() {
      const { rows } = await sql.query<{ id: string; searchable: boolean; accessible: boolean }>(
        `SELECT tenant_id AS id, (doc->>'searchableFromParent')::boolean AS searchable, (doc->>'accessibleByParent')::boolean AS accessible
           FROM canopy_tenant_settings
          WHERE (doc->>'searchableFromParent') = 'false' OR (doc->>'accessibleByParent') = 'false'`,
      );
      return rows.map((row) => ({ id: row.id, searchableFromParent: row.searchable, accessibleByParent: row.accessible }));
    },
    async securityAccounts() {
      const { rows } = await sql.query<{ id: string; account: { name: string; enabledFor: string[] } }>(
        "SELECT tenant_id AS id, doc->'securityAccount' AS account FROM canopy_tenant_settings WHERE json_typeof(doc->'securityAccount') = 'object'",
      );
      return rows.map((row) => ({ orgId: row.id, name: row.account.name, enabledFor: row.account.enabledFor }));
    },
    async put(record) {
      await sql.query(
        `INSERT INTO canopy_tenant_settings (tenant_id, retention_days, doc) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id) DO UPDATE SET retention_days = excluded.retention_days, doc = excluded.doc`,
        [record.id, record.retentionDays, JSON.stringify(record)],
      );
    },
    async delete(tenantId) {
      const { rowCount } = await sql.query("DELETE FROM canopy_tenant_settings WHERE tenant_id = $1", [tenantId]);
      return (rowCount ?? 0) > 0;
    },
  };
}
