import { z } from "zod";
import { Id, PublicKey } from "./ids.js";

/**
 * Pairing codes: 8 characters of Crockford base32 (40 bits), shown as `ABCD-EFGH`. Short enough
 * to type; guessing is bounded by expiry, single use and per-address rate limits on the hub.
 */
export const PAIRING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
export const PAIRING_CODE_LENGTH = 8;

/** Accepts what people type (lower case, spaces, dashes, I/L for 1, O for 0); null if not a code. */
export function normalizePairingCode(input: string): string | null {
  const cleaned = input
    .toUpperCase()
    .replace(/[\s-]/g, "")
    .replace(/[IL]/g, "1")
    .replace(/O/g, "0");
  if (cleaned.length !== PAIRING_CODE_LENGTH) return null;
  for (const ch of cleaned) if (!PAIRING_ALPHABET.includes(ch)) return null;
  return cleaned;
}

export function formatPairingCode(normalized: string): string {
  return `${normalized.slice(0, 4)}-${normalized.slice(4)}`;
}

/** Body of `POST /api/v1/agent/pair`. */
export const PairRequest = z.object({
  code: z.string().min(1).max(32),
  publicKey: PublicKey,
  hostname: z.string().min(1).max(255),
  agentVersion: z.string().min(1).max(64),
  platform: z.string().min(1).max(64),
});
export type PairRequest = z.infer<typeof PairRequest>;

/** 201 answer of `POST /api/v1/agent/pair`: the agent pins `hubPublicKey`. */
export const PairResponse = z.object({
  agentId: Id,
  tenantId: Id,
  tenantName: z.string(),
  hubPublicKey: PublicKey,
});
export type PairResponse = z.infer<typeof PairResponse>;

/** The `code` member of the problem+json a failed pairing answers with. */
export const PairErrorCode = z.enum([
  "pairing_code_invalid",
  "pairing_code_expired",
  "pairing_code_used",
  "rate_limited",
  "invalid_request",
]);
export type PairErrorCode = z.infer<typeof PairErrorCode>;
