export { ApiError, errorMessage } from "./api-error";
export { setUnauthorizedHandler } from "./client";
export * as auth from "./auth";
export * as tenantsApi from "./tenants";
export * as contentApi from "./content";
export * as pushesApi from "./pushes";
export { openLiveFeed, type FeedStatus, type LiveFeed } from "./live-feed";
export type * from "./types";
export type * from "./content-types";
