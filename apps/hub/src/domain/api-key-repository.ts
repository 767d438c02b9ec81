import type { ApiKeyRecord } from "./records.js";

/** Where API keys are kept (the secret only as a hash). */
export interface ApiKeyRepository {
  get(id: string): Promise<ApiKeyRecord | undefined>;
  /** Oldest first (creation time, then id). */
  list(): Promise<ApiKeyRecord[]>;
  insert(key: ApiKeyRecord): Promise<void>;
  delete(id: string): Promise<boolean>;
}
