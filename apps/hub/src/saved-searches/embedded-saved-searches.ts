import type { Store } from "@canopy/store";
import type { SavedSearchRepository } from "./saved-search-repository.js";
import { SAVED_SEARCHES_COLLECTION, type SavedSearchRecord } from "./saved-searches.js";

const byId = (a: SavedSearchRecord, b: SavedSearchRecord) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Saved searches in the embedded store: one small collection. */
export function embeddedSavedSearches(store: Store): SavedSearchRepository {
  const searches = store.collection<SavedSearchRecord>(SAVED_SEARCHES_COLLECTION);
  const ofOwner = (ownerId: string) => searches.filter((s) => s.ownerId === ownerId).sort(byId);
  return {
    get: async (id) => searches.get(id),
    list: async (ownerId) => ofOwner(ownerId),
    async listShared(orgIds, limit) {
      const wanted = new Set(orgIds);
      return searches.filter((s) => s.shared && wanted.has(s.orgId)).sort(byId).slice(0, limit);
    },
    async insert(search) {
      if (searches.get(search.id)) return false;
      searches.put(search);
      return true;
    },
    async update(search) {
      searches.put(search);
    },
    delete: async (id) => searches.delete(id),
    async deleteAllOf(ownerId) {
      const owned = ofOwner(ownerId);
      for (const search of owned) searches.delete(search.id);
      return owned.length;
    },
  };
}
