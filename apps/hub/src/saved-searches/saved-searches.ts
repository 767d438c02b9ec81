import { SAVED_SEARCHES_PER_USER_MAX, type SavedSearch, type SharedBy } from "@canopy/api";
import { z } from "zod";
import { isoAt, type Clock } from "../core/clock.js";
import { newSortableId } from "../core/ids.js";
import { problems } from "../core/problem-error.js";
import type { SavedSearchRepository } from "./saved-search-repository.js";

/** `saved-searches` document: a named insights filter, whose it is and the organization it belongs to. */
export const SavedSearchRecord = z.object({
  id: z.string(),
  name: z.string(),
  /** The insights list's query string, checked against GET /insights's schema when saved. */
  query: z.string(),
  /** A user id, or an API key's id: only they change or delete it. */
  ownerId: z.string(),
  /** How its viewers are told whose it is: an email, or `api-key:<name>`. */
  ownerLabel: z.string(),
  /** The organization its owner worked in when they saved it. */
  orgId: z.string(),
  shared: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SavedSearchRecord = z.infer<typeof SavedSearchRecord>;

export const SAVED_SEARCHES_COLLECTION = "saved-searches";

export interface SavedSearchInput {
  name: string;
  query: string;
  shared: boolean;
}

/** Who saves a search, and in which organization they work. */
export interface SavedSearchMaker {
  ownerId: string;
  ownerLabel: string;
  orgId: string;
}

/**
 * Each user's saved searches. Changing one takes its owner: someone else's is "not found", never
 * "forbidden", so ids do not reveal what others keep (reading a shared one is decided by the routes).
 */
export class SavedSearches {
  readonly #clock: Clock;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  async require(searches: SavedSearchRepository, ownerId: string, id: string): Promise<SavedSearchRecord> {
    const record = await searches.get(id);
    if (!record || record.ownerId !== ownerId) throw problems.notFound(`saved search ${id}`);
    return record;
  }

  /** At most SAVED_SEARCHES_PER_USER_MAX per owner (a soft bound: two saved at the same moment may pass it by one). */
  async create(searches: SavedSearchRepository, maker: SavedSearchMaker, input: SavedSearchInput): Promise<SavedSearchRecord> {
    if ((await searches.list(maker.ownerId)).length >= SAVED_SEARCHES_PER_USER_MAX) {
      throw problems.conflict("saved_search_limit", `a user can keep at most ${SAVED_SEARCHES_PER_USER_MAX} saved searches`);
    }
    const now = this.#clock();
    const at = isoAt(now);
    const record: SavedSearchRecord = { id: newSortableId("srch", now), ...maker, ...input, createdAt: at, updatedAt: at };
    await searches.insert(record);
    return record;
  }

  async replace(searches: SavedSearchRepository, ownerId: string, id: string, input: SavedSearchInput): Promise<SavedSearchRecord> {
    const record = await this.require(searches, ownerId, id);
    const replaced: SavedSearchRecord = { ...record, ...input, updatedAt: isoAt(this.#clock()) };
    await searches.update(replaced);
    return replaced;
  }

  async remove(searches: SavedSearchRepository, ownerId: string, id: string): Promise<SavedSearchRecord> {
    const record = await this.require(searches, ownerId, id);
    await searches.delete(id);
    return record;
  }
}

/** The API's view of a record: the caller's own (`sharedBy` null), or one shared with them, read-only. */
export function savedSearchJson(record: SavedSearchRecord, sharedBy: SharedBy | null): SavedSearch {
  return {
    id: record.id,
    name: record.name,
    query: record.query,
    createdAt: record.createdAt,
    shared: record.shared,
    orgId: record.orgId,
    sharedBy,
    readOnly: sharedBy !== null,
  };
}
