import { urlInWorkingOrg } from "./client";
import type { PushProgressEvent } from "./content-types";
import type { InsightSummary, InsightsIngestedEvent } from "./insights";
import type { LiveEvents, Tenant } from "./types";

export type FeedStatus = "connecting" | "live" | "reconnecting" | "closed";

export interface LiveFeedHandlers {
  /** The stream is (re)established: events may have been missed, so resynchronise. */
  onOpen(): void;
  onStatus(status: FeedStatus): void;
  onTenantUpdated(tenant: Tenant): void;
  onTenantDeleted(id: string): void;
  /** A push advanced (any push, by anyone): its state and counts. */
  onPushProgress?(event: PushProgressEvent): void;
  /** An insight changed: acknowledged by its agent, a new pending change, or a new revision. */
  onInsightUpdated?(insight: InsightSummary): void;
  /** A tenant's agent delivered a batch of insights. */
  onInsightsIngested?(event: InsightsIngestedEvent): void;
}

export interface LiveFeed {
  close(): void;
}

const MIN_RETRY_MS = 1_000;
const MAX_RETRY_MS = 30_000;

function parse<T>(event: MessageEvent): T | null {
  try {
    return JSON.parse(event.data as string) as T;
  } catch {
    return null;
  }
}

/**
 * Subscribes to `GET /api/v1/events?org=…`. The browser's own EventSource retry covers dropped
 * connections, but it gives up for good when the hub answers with an error status (restarting,
 * 401, 502 from a proxy), so a closed source is replaced here with backoff and jitter.
 */
export function openLiveFeed(handlers: LiveFeedHandlers): LiveFeed {
  let source: EventSource | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let failures = 0;
  let stopped = false;

  const connect = () => {
    retryTimer = null;
    if (stopped) return;
    handlers.onStatus(failures === 0 ? "connecting" : "reconnecting");
    // The hub sends only the events of the organization worked in (read at each connect: the
    // tenant directory reopens the feed when the user switches).
    const current = new EventSource(urlInWorkingOrg("/events"), { withCredentials: true });
    source = current;

    current.addEventListener("open", () => {
      failures = 0;
      handlers.onStatus("live");
      handlers.onOpen();
    });
    current.addEventListener("tenant.updated", (event) => {
      const tenant = parse<LiveEvents["tenant.updated"]>(event as MessageEvent);
      if (tenant?.id) handlers.onTenantUpdated(tenant);
    });
    current.addEventListener("tenant.deleted", (event) => {
      const deleted = parse<LiveEvents["tenant.deleted"]>(event as MessageEvent);
      if (deleted?.id) handlers.onTenantDeleted(deleted.id);
    });
    current.addEventListener("push.progress", (event) => {
      const progress = parse<PushProgressEvent>(event as MessageEvent);
      if (progress?.id && progress.progress) handlers.onPushProgress?.(progress);
    });
    current.addEventListener("insight.updated", (event) => {
      const insight = parse<LiveEvents["insight.updated"]>(event as MessageEvent);
      if (insight?.id && insight.status) handlers.onInsightUpdated?.(insight);
    });
    current.addEventListener("insights.ingested", (event) => {
      const ingested = parse<LiveEvents["insights.ingested"]>(event as MessageEvent);
      if (ingested?.tenantId) handlers.onInsightsIngested?.(ingested);
    });
    current.addEventListener("error", () => {
      if (stopped || source !== current) return;
      handlers.onStatus("reconnecting");
      if (current.readyState !== EventSource.CLOSED) return; // the browser retries by itself
      current.close();
      scheduleReconnect();
    });
  };

  const scheduleReconnect = () => {
    if (stopped || retryTimer) return;
    failures += 1;
    const ceiling = Math.min(MAX_RETRY_MS, MIN_RETRY_MS * 2 ** (failures - 1));
    retryTimer = setTimeout(connect, MIN_RETRY_MS / 2 + Math.random() * ceiling);
  };

  // Coming back online: do not wait for the backoff timer.
  const onBrowserOnline = () => {
    if (stopped || source?.readyState !== EventSource.CLOSED) return;
    if (retryTimer) clearTimeout(retryTimer);
    connect();
  };
  window.addEventListener("online", onBrowserOnline);

  connect();

  return {
    close() {
      stopped = true;
      window.removeEventListener("online", onBrowserOnline);
      if (retryTimer) clearTimeout(retryTimer);
      source?.close();
      source = null;
      handlers.onStatus("closed");
    },
  };
}
