import type { SessionRecord } from "../records.js";
import type { SessionRepository } from "../session-repository.js";
import type { SqlClient } from "./sql-client.js";

/** Login sessions in `canopy_sessions`. */
export function postgresSessions(sql: SqlClient): SessionRepository {
  return {
    async get(id) {
      return (await sql.query<{ doc: SessionRecord }>("SELECT doc FROM canopy_sessions WHERE id = $1", [id])).rows[0]?.doc;
    },
    async insert(session) {
      await sql.query("INSERT INTO canopy_sessions (id, expires_at, doc) VALUES ($1, $2, $3)", [session.id, session.expiresAt, JSON.stringify(session)]);
    },
    async delete(id) {
      return ((await sql.query("DELETE FROM canopy_sessions WHERE id = $1", [id])).rowCount ?? 0) > 0;
    },
    async deleteForUser(userId) {
      return (await sql.query("DELETE FROM canopy_sessions WHERE doc->>'userId' = $1", [userId])).rowCount ?? 0;
    },
    async deleteExpired(now) {
      return (await sql.query("DELETE FROM canopy_sessions WHERE expires_at <= $1", [now])).rowCount ?? 0;
    },
  };
}
