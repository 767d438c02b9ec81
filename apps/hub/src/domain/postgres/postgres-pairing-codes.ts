import type { PairingCodeRepository } from "../pairing-code-repository.js";
import type { PairingCodeRecord } from "../records.js";
import type { SqlClient } from "./sql-client.js";
import { PAIRING_CODE_COLUMNS, pairingCodeRow } from "./tenant-rows.js";

/** Live pairing codes in `canopy_pairing_codes`. */
export function postgresPairingCodes(sql: SqlClient): PairingCodeRepository {
  const count = async (text: string, values: unknown[]) => (await sql.query(text, values)).rowCount ?? 0;
  return {
    async get(id) {
      return (await sql.query<{ doc: PairingCodeRecord }>("SELECT doc FROM canopy_pairing_codes WHERE id = $1", [id])).rows[0]?.doc;
    },
    async insert(code) {
      return (await count(`INSERT INTO canopy_pairing_codes (${PAIRING_CODE_COLUMNS}) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`, pairingCodeRow(code))) > 0;
    },
    delete: async (id) => (await count("DELETE FROM canopy_pairing_codes WHERE id = $1", [id])) > 0,
    deleteForTenant: (tenantId) => count("DELETE FROM canopy_pairing_codes WHERE tenant_id = $1", [tenantId]),
    deleteStale: (cutoff) => count("DELETE FROM canopy_pairing_codes WHERE used OR expires_at < $1", [cutoff]),
  };
}
