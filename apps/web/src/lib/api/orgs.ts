import type { OrgNode } from "@canopy/api";
import { request, type RequestOptions } from "./client";

/** The caller's scope as a tree; `ownScope` asks for all of it, whatever organization they switched to. */
export const orgTree = (options: Pick<RequestOptions, "ownScope"> = {}) => request<OrgNode>("GET", "/orgs/tree", options);
