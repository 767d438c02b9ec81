// The saved-search routes of the hub. Shapes are @canopy/api's, as types only (no zod in the bundle).
import type { SavedSearch, SavedSearchCreate, SavedSearchList } from "@canopy/api";
import { request } from "./client";

export type { SavedSearch };

/** The user's saved searches (oldest first), then the ones shared with them (read-only). */
export const listSavedSearches = () => request<SavedSearchList>("GET", "/saved-searches");

export const createSavedSearch = (input: SavedSearchCreate) => request<SavedSearch>("POST", "/saved-searches", { body: input });

export const deleteSavedSearch = (id: string) => request<null>("DELETE", `/saved-searches/${encodeURIComponent(id)}`);
