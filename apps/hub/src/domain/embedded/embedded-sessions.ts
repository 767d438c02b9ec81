import type { Store } from "@canopy/store";
import { Collections, type SessionRecord } from "../records.js";
import type { SessionRepository } from "../session-repository.js";

/** Login sessions in the embedded store. */
export function embeddedSessions(store: Store): SessionRepository {
  const sessions = store.collection<SessionRecord>(Collections.sessions);
  return {
    get: async (id) => sessions.get(id),
    async insert(session) {
      sessions.put(session);
    },
    delete: async (id) => sessions.delete(id),
    async deleteForUser(userId) {
      const theirs = sessions.filter((session) => session.userId === userId);
      for (const session of theirs) sessions.delete(session.id);
      return theirs.length;
    },
    async deleteExpired(now) {
      const expired = sessions.filter((session) => session.expiresAt <= now);
      for (const session of expired) sessions.delete(session.id);
      return expired.length;
    },
  };
}
