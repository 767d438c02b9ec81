import { createHmac, randomInt } from "node:crypto";
import { PAIRING_ALPHABET, PAIRING_CODE_LENGTH, formatPairingCode, normalizePairingCode, type PairErrorCode } from "@canopy/protocol";
import { isoAt, type Clock } from "../core/clock.js";
import type { AgentRepository } from "./agent-repository.js";
import type { PairingCodeRepository } from "./pairing-code-repository.js";
import type { PairingCodeRecord } from "./records.js";

export const DEFAULT_PAIRING_TTL_SECONDS = 900;
/** An expired code is kept this long so a late attempt hears "expired" rather than "not valid". */
const KEEP_AFTER_EXPIRY_MS = 60 * 60 * 1000;

export type RedeemCheck =
  | { ok: true; record: PairingCodeRecord }
  | { ok: false; reason: Extract<PairErrorCode, "pairing_code_invalid" | "pairing_code_expired" | "pairing_code_used"> };

/**
 * One-time pairing codes. Only an HMAC of the code is stored (keyed with a secret that is not in
 * the store), so the store alone neither reveals nor lets anyone test codes.
 *
 * Only codes that can still pair are kept (and expired ones for an hour): a code is deleted when
 * it pairs (the agent keeps its id, so a replay is still told it was used, and the audit has
 * `pairing-code.create` and `agent.pair`), and expired ones are swept whenever a code is made
 * and when the hub starts. So they stay few however many agents have paired.
 */
export class PairingCodes {
  readonly #clock: Clock;
  readonly #secret: Buffer;

  constructor(clock: Clock, secret: Buffer) {
    this.#clock = clock;
    this.#secret = secret;
  }

  async create(codes: PairingCodeRepository, tenantId: string, ttlSeconds: number, createdBy: string): Promise<{ code: string; record: PairingCodeRecord }> {
    await this.prune(codes);
    const now = this.#clock();
    for (;;) {
      let normalized = "";
      for (let i = 0; i < PAIRING_CODE_LENGTH; i++) normalized += PAIRING_ALPHABET[randomInt(PAIRING_ALPHABET.length)];
      const record: PairingCodeRecord = {
        id: this.#hash(normalized),
        tenantId,
        createdBy,
        createdAt: isoAt(now),
        expiresAt: isoAt(now + ttlSeconds * 1000),
        usedAt: null,
        agentId: null,
      };
      // 1 in 2^40 that the code is taken: draw again rather than reuse.
      if (await codes.insert(record)) return { code: formatPairingCode(normalized), record };
    }
  }

  async check(repositories: { pairingCodes: PairingCodeRepository; agents: AgentRepository }, input: string): Promise<RedeemCheck> {
    const normalized = normalizePairingCode(input);
    if (normalized === null) return { ok: false, reason: "pairing_code_invalid" };
    const id = this.#hash(normalized);
    const record = await repositories.pairingCodes.get(id);
    if (!record) return { ok: false, reason: (await repositories.agents.pairedWith(id)) ? "pairing_code_used" : "pairing_code_invalid" };
    // Only in stores of older versions, which kept used codes: swept at start.
    if (record.usedAt !== null) return { ok: false, reason: "pairing_code_used" };
    if (Date.parse(record.expiresAt) <= this.#clock()) return { ok: false, reason: "pairing_code_expired" };
    return { ok: true, record };
  }

  /** Drops codes expired over an hour ago, and used ones older versions kept. */
  async prune(codes: PairingCodeRepository): Promise<void> {
    await codes.deleteStale(isoAt(this.#clock() - KEEP_AFTER_EXPIRY_MS));
  }

  #hash(normalized: string): string {
    return createHmac("sha256", this.#secret).update(normalized).digest("hex");
  }
}
