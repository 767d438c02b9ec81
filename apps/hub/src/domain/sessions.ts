import type { Collection, Store } from "@canopy/store";
import { isoAt, type Clock } from "../core/clock.js";
import { newSecret, sha256Hex } from "../core/secrets.js";
import { Collections, type SessionRecord } from "./records.js";

export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** Staff login sessions. The token goes to the browser; the store keeps only its hash. */
export class Sessions {
  readonly #sessions: Collection<SessionRecord>;
  readonly #clock: Clock;

  constructor(store: Store, clock: Clock) {
    this.#sessions = store.collection<SessionRecord>(Collections.sessions);
    this.#clock = clock;
  }

  create(userId: string): { token: string; session: SessionRecord } {
    const token = newSecret();
    const now = this.#clock();
    const session = this.#sessions.put({
      id: sha256Hex(token),
      userId,
      createdAt: isoAt(now),
      expiresAt: isoAt(now + SESSION_TTL_MS),
    });
    return { token, session };
  }

  /** The live session for `token`; an expired one is deleted on sight. */
  resolve(token: string): SessionRecord | undefined {
    const id = sha256Hex(token);
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    if (Date.parse(session.expiresAt) <= this.#clock()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session;
  }

  revoke(token: string): boolean {
    return this.#sessions.delete(sha256Hex(token));
  }

  /** Drops expired sessions (run at start-up so the file does not grow forever). */
  prune(): number {
    const now = this.#clock();
    const expired = this.#sessions.filter((s) => Date.parse(s.expiresAt) <= now);
    for (const s of expired) this.#sessions.delete(s.id);
    return expired.length;
  }
}
