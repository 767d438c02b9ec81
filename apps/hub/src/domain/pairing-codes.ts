import { createHmac, randomInt } from "node:crypto";
import type { Collection, Store } from "@canopy/store";
import { PAIRING_ALPHABET, PAIRING_CODE_LENGTH, formatPairingCode, normalizePairingCode, type PairErrorCode } from "@canopy/protocol";
import { isoAt, type Clock } from "../core/clock.js";
import type { Agents } from "./agents.js";
import { Collections, type PairingCodeRecord } from "./records.js";

export const DEFAULT_PAIRING_TTL_SECONDS = 900;
/** An expired code is kept this long so a late attempt hears "expired" rather than "not valid". */
const KEEP_AFTER_EXPIRY_MS = 60 * 60 * 1000;

export type RedeemCheck =
  | { ok: true; record: PairingCodeRecord }
  | { ok: false; reason: Extract<PairErrorCode, "pairing_code_invalid" | "pairing_code_expired" | "pairing_code_used"> };

/**
 * One-time pairing codes. Only an HMAC of the code is stored (keyed with a secret that is not in
 * the store), so the store file alone neither reveals nor lets anyone test codes.
 *
 * The collection holds only codes that can still pair (and expired ones for an hour): a code is
 * deleted when it pairs (the agent keeps its id, so a replay is still told it was used, and the
 * audit has `pairing-code.create` and `agent.pair`), and expired ones are swept whenever a code
 * is made and when the hub starts. So its file stays small however many agents have paired.
 */
export class PairingCodes {
  readonly #codes: Collection<PairingCodeRecord>;
  readonly #clock: Clock;
  readonly #secret: Buffer;
  readonly #agents: Pick<Agents, "pairedWith">;

  constructor(store: Store, clock: Clock, secret: Buffer, agents: Pick<Agents, "pairedWith">) {
    this.#codes = store.collection<PairingCodeRecord>(Collections.pairingCodes);
    this.#clock = clock;
    this.#secret = secret;
    this.#agents = agents;
  }

  create(tenantId: string, ttlSeconds: number, createdBy: string): { code: string; record: PairingCodeRecord } {
    this.prune();
    const now = this.#clock();
    for (;;) {
      let normalized = "";
      for (let i = 0; i < PAIRING_CODE_LENGTH; i++) normalized += PAIRING_ALPHABET[randomInt(PAIRING_ALPHABET.length)];
      const id = this.#hash(normalized);
      if (this.#codes.get(id)) continue; // 1 in 2^40: draw again rather than reuse
      const record = this.#codes.put({
        id,
        tenantId,
        createdBy,
        createdAt: isoAt(now),
        expiresAt: isoAt(now + ttlSeconds * 1000),
        usedAt: null,
        agentId: null,
      });
      return { code: formatPairingCode(normalized), record };
    }
  }

  check(input: string): RedeemCheck {
    const normalized = normalizePairingCode(input);
    if (normalized === null) return { ok: false, reason: "pairing_code_invalid" };
    const id = this.#hash(normalized);
    const record = this.#codes.get(id);
    // A scan of the agents, only for a code that is not live (wrong guesses are rate-limited).
    if (!record) return { ok: false, reason: this.#agents.pairedWith(id) ? "pairing_code_used" : "pairing_code_invalid" };
    // Only in files of older versions, which kept used codes: swept at start.
    if (record.usedAt !== null) return { ok: false, reason: "pairing_code_used" };
    if (Date.parse(record.expiresAt) <= this.#clock()) return { ok: false, reason: "pairing_code_expired" };
    return { ok: true, record };
  }

  /** The code paired an agent (which keeps the code's id): it is gone. */
  use(id: string): void {
    this.#codes.delete(id);
  }

  deleteForTenant(tenantId: string): void {
    for (const record of this.#codes.filter((c) => c.tenantId === tenantId)) this.#codes.delete(record.id);
  }

  /** Drops codes expired over an hour ago, and used ones older versions kept. */
  prune(): void {
    const cutoff = this.#clock() - KEEP_AFTER_EXPIRY_MS;
    for (const record of this.#codes.filter((c) => c.usedAt !== null || Date.parse(c.expiresAt) < cutoff)) this.#codes.delete(record.id);
  }

  #hash(normalized: string): string {
    return createHmac("sha256", this.#secret).update(normalized).digest("hex");
  }
}
