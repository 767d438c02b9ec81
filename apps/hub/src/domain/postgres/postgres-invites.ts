import type { InviteRecord } from "../records.js";
import type { InviteRepository } from "../invite-repository.js";
import type { SqlClient } from "./sql-client.js";

/** One-time links in `canopy_invites`. */
export function postgresInvites(sql: SqlClient): InviteRepository {
  return {
    async get(id) {
      return (await sql.query<{ doc: InviteRecord }>("SELECT doc FROM canopy_invites WHERE id = $1", [id])).rows[0]?.doc;
    },
    async insert(invite) {
      await sql.query("INSERT INTO canopy_invites (id, user_id, doc) VALUES ($1, $2, $3)", [invite.id, invite.userId, JSON.stringify(invite)]);
    },
    async delete(id) {
      return ((await sql.query("DELETE FROM canopy_invites WHERE id = $1", [id])).rowCount ?? 0) > 0;
    },
    async deleteForUser(userId) {
      return (await sql.query("DELETE FROM canopy_invites WHERE user_id = $1", [userId])).rowCount ?? 0;
    },
  };
}
