import type { ApiKeyRepository } from "../api-key-repository.js";
import type { ApiKeyRecord } from "../records.js";
import type { SqlClient } from "./sql-client.js";

/** API keys in `canopy_api_keys`. */
export function postgresApiKeys(sql: SqlClient): ApiKeyRepository {
  return {
    async get(id) {
      return (await sql.query<{ doc: ApiKeyRecord }>("SELECT doc FROM canopy_api_keys WHERE id = $1", [id])).rows[0]?.doc;
    },
    async list() {
      return (await sql.query<{ doc: ApiKeyRecord }>("SELECT doc FROM canopy_api_keys ORDER BY created_at, id")).rows.map((row) => row.doc);
    },
    async insert(key) {
      await sql.query("INSERT INTO canopy_api_keys (id, created_at, doc) VALUES ($1, $2, $3)", [key.id, key.createdAt, JSON.stringify(key)]);
    },
    async touch(id, at) {
      await sql.query("UPDATE canopy_api_keys SET doc = jsonb_set(doc::jsonb, '{lastUsedAt}', to_jsonb($2::text))::json WHERE id = $1", [id, at]);
    },
    async deleteForUser(userId) {
      const { rows } = await sql.query<{ id: string }>("DELETE FROM canopy_api_keys WHERE doc->>'userId' = $1 RETURNING id", [userId]);
      return rows.map((row) => row.id);
    },
    async delete(id) {
      return ((await sql.query("DELETE FROM canopy_api_keys WHERE id = $1", [id])).rowCount ?? 0) > 0;
    },
  };
}
