import type { ApiKeyRecord } from "./records.js";

/** Where API keys are kept (the secret only as a hash). */
export interface ApiKeyRepository {
  get(id: string): Promise<ApiKeyRecord | undefined>;
  /** Oldest first (creation time, then id). */
  list(): Promise<ApiKeyRecord[]>;
  insert(key: ApiKeyRecord): Promise<void>;
  /** Notes when the key was last used; nothing when it is gone. */
  touch(id: string, at: string): Promise<void>;
  /** Revokes every key a user has (the user is deleted); how many went. */
  deleteForUser(userId: string): Promise<string[]>;
  delete(id: string): Promise<boolean>;
}
