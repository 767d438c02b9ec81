import { problems } from "../../core/problem-error.js";
import type { AgentRecord, TenantRecord } from "../records.js";
import { tenantNameTaken, type TenantRepository } from "../tenant-repository.js";
import { isUniqueViolation, type SqlClient } from "./sql-client.js";
import { TENANT_COLUMNS, tenantRow } from "./tenant-rows.js";

/** Tenants in `canopy_tenants`; pages are keyset range scans of `(name_key, id)`. */
export function postgresTenants(sql: SqlClient): TenantRepository {
  const docs = async (text: string, values: unknown[] = []) => (await sql.query<{ doc: TenantRecord }>(text, values)).rows.map((row) => row.doc);
  const nameTaken = (tenant: TenantRecord) => {
    const taken = tenantNameTaken(tenant.name);
    return problems.conflict(taken.code, taken.detail);
  };
  return {
    get: async (id) => (await docs("SELECT doc FROM canopy_tenants WHERE id = $1", [id]))[0],
    getForUpdate: async (id) => (await docs("SELECT doc FROM canopy_tenants WHERE id = $1 FOR UPDATE", [id]))[0],
    async getWithAgent(id) {
      const { rows } = await sql.query<{ tenant: TenantRecord; agent: AgentRecord | null }>(
        `SELECT t.doc AS tenant, a.doc AS agent FROM canopy_tenants t LEFT JOIN canopy_agents a ON a.tenant_id = t.id AND NOT a.revoked WHERE t.id = $1`,
        [id],
      );
      const row = rows[0];
      return row && { tenant: row.tenant, agent: row.agent ?? undefined };
    },
    async getMany(ids) {
      const found = await docs("SELECT doc FROM canopy_tenants WHERE id = ANY($1::text[])", [[...ids]]);
      return new Map(found.map((tenant) => [tenant.id, tenant]));
    },
    all: () => docs("SELECT doc FROM canopy_tenants"),
    findByName: async (name) => (await docs("SELECT doc FROM canopy_tenants WHERE name_key = $1", [name.trim().toLowerCase()]))[0],
    firstChild: async (parentId) => (await docs("SELECT doc FROM canopy_tenants WHERE parent_id = $1 LIMIT 1", [parentId]))[0],
    async childrenOf(parentIds) {
      const ids = parentIds.filter((id): id is string => id !== null);
      const root = parentIds.includes(null);
      return docs(`SELECT doc FROM canopy_tenants WHERE parent_id = ANY($1::text[])${root ? " OR parent_id IS NULL" : ""}`, [ids]);
    },
    async page(query) {
      const where: string[] = [];
      const values: unknown[] = [];
      const param = (value: unknown) => `$${values.push(value)}`;
      if (query.after) where.push(`(t.name_key, t.id) > (${param(query.after[0])}::text, ${param(query.after[1])}::text)`);
      if (query.ids !== undefined) where.push(`t.id = ANY(${param([...query.ids])}::text[])`);
      if (query.parentId === null) where.push("t.parent_id IS NULL");
      else if (query.parentId !== undefined) where.push(`t.parent_id = ${param(query.parentId)}::text`);
      if (query.tag !== undefined) where.push(`${param(query.tag)}::text = ANY(t.tags)`);
      if (query.needle) {
        const needle = `${param(query.needle)}::text`;
        where.push(`(EXISTS (SELECT 1 FROM unnest(t.search) AS s(text) WHERE strpos(s.text, ${needle}) > 0) OR strpos(coalesce(a.hostname_key, ''), ${needle}) > 0)`);
      }
      if (query.status?.is === "unpaired") where.push("a.id IS NULL");
      else if (query.status) {
        const connected = `${param([...query.status.connected])}::text[]`;
        where.push(query.status.is === "online" ? `a.id = ANY(${connected})` : `a.id IS NOT NULL AND NOT (a.id = ANY(${connected}))`);
      }
      const { rows } = await sql.query<{ tenant: TenantRecord; agent: AgentRecord | null }>(
        `SELECT t.doc AS tenant, a.doc AS agent
           FROM canopy_tenants t LEFT JOIN canopy_agents a ON a.tenant_id = t.id AND NOT a.revoked
          ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""}
          ORDER BY t.name_key, t.id
          LIMIT ${param(query.limit + 1)}`,
        values,
      );
      return rows.map((row) => ({ tenant: row.tenant, agent: row.agent ?? undefined }));
    },
    async insert(tenant) {
      try {
        await sql.query(`INSERT INTO canopy_tenants (${TENANT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)`, tenantRow(tenant));
      } catch (error) {
        throw isUniqueViolation(error) ? nameTaken(tenant) : error;
      }
    },
    async update(tenant) {
      try {
        await sql.query(
          "UPDATE canopy_tenants SET name_key = $2, parent_id = $3, tags = $4, search = $5, doc = $6 WHERE id = $1",
          tenantRow(tenant),
        );
      } catch (error) {
        throw isUniqueViolation(error) ? nameTaken(tenant) : error;
      }
    },
    async delete(id) {
      return ((await sql.query("DELETE FROM canopy_tenants WHERE id = $1", [id])).rowCount ?? 0) > 0;
    },
  };
}
