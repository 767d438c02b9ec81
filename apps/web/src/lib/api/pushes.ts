import { API_BASE, request, type RequestOptions } from "./client";
import type { Page } from "./types";
import type { DryRunPlan, Push, PushCreate, PushCreated, PushListQuery, PushRetried, PushSummary } from "./content-types";
import { queryString } from "./query-string";

type Signal = Pick<RequestOptions, "signal">;

const pushPath = (id: string) => `/pushes/${encodeURIComponent(id)}`;

/** What the push would do, per tenant and item, without doing it. */
export const previewPush = (input: Omit<PushCreate, "dryRun">) =>
  request<DryRunPlan>("POST", "/pushes", { body: { ...input, dryRun: true } satisfies PushCreate });

export const startPush = (input: Omit<PushCreate, "dryRun">) => request<PushCreated>("POST", "/pushes", { body: input });

export const getPush = (id: string, options: Signal = {}) => request<Push>("GET", pushPath(id), options);

export const listPushes = (query: PushListQuery = {}, options: Signal = {}) =>
  request<Page<PushSummary>>("GET", `/pushes${queryString({ ...query })}`, options);

/** Sends the failed (and skipped) items of the push again. */
export const retryPush = (id: string) => request<PushRetried>("POST", `${pushPath(id)}/retry`, { body: {} });

/** Undelivered items go back to their previous desired state; their results become `stopped`. */
export const stopPush = (id: string) => request<unknown>("POST", `${pushPath(id)}/stop`, { body: {} });

export const pushEventsUrl = (id: string) => `${API_BASE}${pushPath(id)}/events`;
