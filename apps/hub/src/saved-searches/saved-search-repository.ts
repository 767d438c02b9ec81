import type { SavedSearchRecord } from "./saved-searches.js";

/** Where users' saved searches are kept. */
export interface SavedSearchRepository {
  get(id: string): Promise<SavedSearchRecord | undefined>;
  /** The owner's searches, oldest first (ids sort by creation). */
  list(ownerId: string): Promise<SavedSearchRecord[]>;
  /** The shared searches of these organizations, anyone's, oldest first; at most `limit`. */
  listShared(orgIds: readonly string[], limit: number): Promise<SavedSearchRecord[]>;
  /** False when a search with the id exists already (nothing changes). */
  insert(search: SavedSearchRecord): Promise<boolean>;
  update(search: SavedSearchRecord): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Drops every search of the owner; how many went. */
  deleteAllOf(ownerId: string): Promise<number>;
}
