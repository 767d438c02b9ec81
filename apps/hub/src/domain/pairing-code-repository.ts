import type { PairingCodeRecord } from "./records.js";

/** Where live pairing codes are kept (only their HMAC). */
export interface PairingCodeRepository {
  get(id: string): Promise<PairingCodeRecord | undefined>;
  /** False when a code with the id exists (the caller draws another). */
  insert(code: PairingCodeRecord): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  deleteForTenant(tenantId: string): Promise<number>;
  /** Drops codes that expired before `cutoff` (ISO), and used ones older versions kept. */
  deleteStale(cutoff: string): Promise<number>;
}
