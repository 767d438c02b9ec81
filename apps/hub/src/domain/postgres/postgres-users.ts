import { problems } from "../../core/problem-error.js";
import type { UserRecord } from "../records.js";
import type { UserRepository } from "../user-repository.js";
import { isUniqueViolation, type SqlClient } from "./sql-client.js";

/** Users in `canopy_users`; the unique email index decides a race between two creations. */
export function postgresUsers(sql: SqlClient): UserRepository {
  const one = async (where: string, value: string) =>
    (await sql.query<{ doc: UserRecord }>(`SELECT doc FROM canopy_users WHERE ${where} = $1`, [value])).rows[0]?.doc;
  return {
    get: (id) => one("id", id),
    findByEmail: (email) => one("email", email.trim().toLowerCase()),
    async count() {
      const { rows } = await sql.query<{ count: string }>("SELECT count(*) FROM canopy_users");
      return Number(rows[0]!.count);
    },
    async page({ orgIds, after, limit }) {
      const where: string[] = [];
      const values: unknown[] = [];
      const param = (value: unknown) => `$${values.push(value)}`;
      if (orgIds !== undefined) where.push(`org_id = ANY(${param([...orgIds])})`);
      if (after !== undefined) where.push(`email COLLATE "C" > ${param(after)}`);
      const { rows } = await sql.query<{ doc: UserRecord }>(
        `SELECT doc FROM canopy_users ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY email COLLATE "C" LIMIT ${param(limit + 1)}`,
        values,
      );
      return rows.map((row) => row.doc);
    },
    async insert(user) {
      try {
        await sql.query("INSERT INTO canopy_users (id, email, doc) VALUES ($1, $2, $3)", [user.id, user.email, JSON.stringify(user)]);
      } catch (error) {
        if (isUniqueViolation(error)) throw problems.conflict("user_exists", `a user with the email ${user.email} exists`);
        throw error;
      }
    },
    async update(user) {
      await sql.query("UPDATE canopy_users SET doc = $2 WHERE id = $1", [user.id, JSON.stringify(user)]);
    },
    async recordLogin(id, at) {
      await sql.query("UPDATE canopy_users SET doc = jsonb_set(doc::jsonb, '{lastLoginAt}', to_jsonb($2::text))::json WHERE id = $1", [id, at]);
    },
    async delete(id) {
      return ((await sql.query("DELETE FROM canopy_users WHERE id = $1", [id])).rowCount ?? 0) > 0;
    },
  };
}
