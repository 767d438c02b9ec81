import type { AuditList, AuditQuery } from "@canopy/api";
import { request, type RequestOptions } from "./client";
import { queryString } from "./query-string";

/** One page of the audit, newest first; `orgId` narrows to one organization of the caller's scope. */
export const listAudit = (query: Partial<AuditQuery>, options: Pick<RequestOptions, "signal"> = {}) =>
  request<AuditList>("GET", `/audit${queryString(query)}`, options);
