import { problems } from "../../core/problem-error.js";
import type { RoleRecord } from "../records.js";
import { roleKey, type RoleRepository } from "../role-repository.js";
import { isUniqueViolation, type SqlClient } from "./sql-client.js";

/** Custom roles in `canopy_roles`, keyed by the lower-cased name. */
export function postgresRoles(sql: SqlClient): RoleRepository {
  return {
    async get(name) {
      return (await sql.query<{ doc: RoleRecord }>("SELECT doc FROM canopy_roles WHERE id = $1", [roleKey(name)])).rows[0]?.doc;
    },
    async all() {
      return (await sql.query<{ doc: RoleRecord }>("SELECT doc FROM canopy_roles ORDER BY id")).rows.map((row) => row.doc);
    },
    async insert(role) {
      try {
        await sql.query("INSERT INTO canopy_roles (id, doc) VALUES ($1, $2)", [role.id, JSON.stringify(role)]);
      } catch (error) {
        if (isUniqueViolation(error)) throw problems.conflict("role_exists", `a role named "${role.name}" exists`);
        throw error;
      }
    },
    async delete(name) {
      return ((await sql.query("DELETE FROM canopy_roles WHERE id = $1", [roleKey(name)])).rowCount ?? 0) > 0;
    },
  };
}
