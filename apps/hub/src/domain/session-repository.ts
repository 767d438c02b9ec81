import type { SessionRecord } from "./records.js";

/** Where login sessions are kept, by the hash of their token. */
export interface SessionRepository {
  get(id: string): Promise<SessionRecord | undefined>;
  insert(session: SessionRecord): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Ends every session of a user (disabled or deleted); how many. */
  deleteForUser(userId: string): Promise<number>;
  /** Drops every session that expired at or before `now` (ISO); how many went. */
  deleteExpired(now: string): Promise<number>;
}
