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
    async insert(user) {
      try {
        await sql.query("INSERT INTO canopy_users (id, email, doc) VALUES ($1, $2, $3)", [user.id, user.email, JSON.stringify(user)]);
      } catch (error) {
        if (isUniqueViolation(error)) throw problems.conflict("user_exists", `a user with the email ${user.email} exists`);
        throw error;
      }
    },
  };
}
