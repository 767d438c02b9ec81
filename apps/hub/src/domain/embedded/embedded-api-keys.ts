import type { Store } from "@canopy/store";
import type { ApiKeyRepository } from "../api-key-repository.js";
import { Collections, type ApiKeyRecord } from "../records.js";

/** API keys in the embedded store. */
export function embeddedApiKeys(store: Store): ApiKeyRepository {
  const keys = store.collection<ApiKeyRecord>(Collections.apiKeys);
  return {
    get: async (id) => keys.get(id),
    list: async () => keys.all().sort((a, b) => compare(a.createdAt, b.createdAt) || compare(a.id, b.id)),
    async insert(key) {
      keys.put(key);
    },
    async touch(id, at) {
      keys.update(id, { lastUsedAt: at });
    },
    async deleteForUser(userId) {
      const theirs = keys.filter((key) => key.userId === userId).map((key) => key.id);
      for (const id of theirs) keys.delete(id);
      return theirs;
    },
    delete: async (id) => keys.delete(id),
  };
}

/** By code unit, as PostgreSQL's "C" collation orders the same ASCII strings. */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
