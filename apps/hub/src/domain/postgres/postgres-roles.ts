import { problems } from "../../core/problem-error.js";
import type { RoleRecord } from "../records.js";
import { orgOfRole, roleKey, type RoleRepository } from "../role-repository.js";
import { isUniqueViolation, type SqlClient } from "./sql-client.js";

/** Custom roles in `canopy_roles`, keyed by organization and lower-cased name (`org_id`, `id`). */
export function postgresRoles(sql: SqlClient): RoleRepository {
  return {
    async get(orgId, name) {
      return (await sql.query<{ doc: RoleRecord }>("SELECT doc FROM canopy_roles WHERE org_id = $1 AND id = $2", [orgId, roleKey(name)])).rows[0]?.doc;
    },
    async definedBy(orgIds) {
      const { rows } =
        orgIds === null
          ? await sql.query<{ doc: RoleRecord }>("SELECT doc FROM canopy_roles ORDER BY org_id, id")
          : await sql.query<{ doc: RoleRecord }>("SELECT doc FROM canopy_roles WHERE org_id = ANY($1) ORDER BY org_id, id", [[...orgIds]]);
      return rows.map((row) => row.doc);
    },
    async countOf(orgId) {
      return Number((await sql.query<{ count: string }>("SELECT count(*) AS count FROM canopy_roles WHERE org_id = $1", [orgId])).rows[0]!.count);
    },
    async insert(role) {
      try {
        await sql.query("INSERT INTO canopy_roles (org_id, id, doc) VALUES ($1, $2, $3)", [orgOfRole(role), roleKey(role.name), JSON.stringify(role)]);
      } catch (error) {
        if (isUniqueViolation(error)) throw problems.conflict("role_exists", `a role named "${role.name}" exists`);
        throw error;
      }
    },
    async delete(orgId, name) {
      return ((await sql.query("DELETE FROM canopy_roles WHERE org_id = $1 AND id = $2", [orgId, roleKey(name)])).rowCount ?? 0) > 0;
    },
    async deleteAllOf(orgId) {
      return (await sql.query("DELETE FROM canopy_roles WHERE org_id = $1", [orgId])).rowCount ?? 0;
    },
  };
}
