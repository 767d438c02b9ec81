import type { Store } from "@canopy/store";
import type { PairingCodeRepository } from "../pairing-code-repository.js";
import { Collections, type PairingCodeRecord } from "../records.js";

/** Live pairing codes in the embedded store: a small collection (used and stale codes are dropped). */
export function embeddedPairingCodes(store: Store): PairingCodeRepository {
  const codes = store.collection<PairingCodeRecord>(Collections.pairingCodes);
  const deleteWhere = (stale: (code: PairingCodeRecord) => boolean) => {
    const gone = codes.filter(stale);
    for (const code of gone) codes.delete(code.id);
    return gone.length;
  };
  return {
    get: async (id) => codes.get(id),
    async insert(code) {
      if (codes.get(code.id)) return false;
      codes.put(code);
      return true;
    },
    delete: async (id) => codes.delete(id),
    deleteForTenant: async (tenantId) => deleteWhere((code) => code.tenantId === tenantId),
    deleteStale: async (cutoff) => deleteWhere((code) => code.usedAt !== null || code.expiresAt < cutoff),
  };
}
