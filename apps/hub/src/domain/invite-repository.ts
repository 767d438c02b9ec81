import type { InviteRecord } from "./records.js";

/** Where one-time invite and reset links are kept, by the SHA-256 of their token. */
export interface InviteRepository {
  get(id: string): Promise<InviteRecord | undefined>;
  insert(invite: InviteRecord): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** A user's links, all of them: a new one replaces the old, a disabled user keeps none. */
  deleteForUser(userId: string): Promise<number>;
}
