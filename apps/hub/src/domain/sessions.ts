import { isoAt, type Clock } from "../core/clock.js";
import { newSecret, sha256Hex } from "../core/secrets.js";
import type { SessionRecord } from "./records.js";
import type { SessionRepository } from "./session-repository.js";

export const SESSION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** A session is kept by the hash of its token: a stolen store cannot be replayed as a cookie. */
export const sessionIdOf = (token: string): string => sha256Hex(token);

/** A new staff login session; the token goes to the browser, the record keeps only its hash. */
export function newSession(userId: string, clock: Clock): { token: string; session: SessionRecord } {
  const token = newSecret();
  const now = clock();
  return { token, session: { id: sessionIdOf(token), userId, createdAt: isoAt(now), expiresAt: isoAt(now + SESSION_TTL_MS) } };
}

/** The live session for `token`; an expired one is deleted on sight. */
export async function resolveSession(sessions: SessionRepository, token: string, clock: Clock): Promise<SessionRecord | undefined> {
  const session = await sessions.get(sessionIdOf(token));
  if (!session) return undefined;
  if (Date.parse(session.expiresAt) <= clock()) {
    await sessions.delete(session.id);
    return undefined;
  }
  return session;
}
