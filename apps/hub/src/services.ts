import type { LiveEvents } from "@canopy/api";
import type { PostgresDatabase, Store } from "@canopy/store";
import type { Logger } from "pino";
import { Catalogue } from "./content/catalogue.js";
import type { SyncReader } from "./content/sync-reader.js";
import type { Clock } from "./core/clock.js";
import { EventBus } from "./core/event-bus.js";
import { FailureRateLimiter } from "./core/rate-limiter.js";
import { ApiKeyUse } from "./domain/api-key-use.js";
import { AuditLog } from "./domain/audit-log.js";
import { postgresAuditReader } from "./domain/audit-reader.js";
import { PairingBudget } from "./domain/pairing-budget.js";
import { PairingCodes } from "./domain/pairing-codes.js";
import { TenantViews } from "./domain/tenant-views.js";
import type { HubData } from "./domain/hub-data.js";
import { createDashboards } from "./dashboards/create-dashboards.js";
import { SavedSearches } from "./saved-searches/saved-searches.js";
import type { AgentBudgets } from "./gateway/agent-budgets.js";
import { AgentGateway } from "./gateway/agent-gateway.js";
import { Presence } from "./gateway/presence.js";
import type { HubKey } from "./hub-key.js";
import { EmbeddedInsightRepository } from "./insights/embedded-insight-repository.js";
import type { InsightRepository } from "./insights/insight-repository.js";
import { InsightService } from "./insights/insight-service.js";
import { PostgresInsightRepository } from "./insights/postgres/postgres-insight-repository.js";
import { InsightVisibility } from "./orgs/insight-visibility.js";
import { CapabilityExpiry } from "./orgs/capability-expiry.js";
import { entitlementsOf } from "./orgs/entitlements.js";
import { DEFAULT_HOUSEKEEPING_MS } from "./settings/housekeeping.js";
import { PushEngine } from "./push/push-engine.js";
import { createTenantSettings } from "./settings/tenant-settings.js";

/** What the live feed carries (`GET /events`). */
export type HubEvents = LiveEvents;

export interface ServiceOptions {
  store: Store;
  /** Tenants, agents, pairing codes, users, sessions and API keys: async repositories (hub-data.ts). */
  data: HubData;
  /**
   * Set when the hub runs on PostgreSQL: what grows without bound is queried there rather than
   * held in memory (insights in their table, the audit by keyset).
   */
  database?: PostgresDatabase | undefined;
  hubKey: HubKey;
  clock: Clock;
  logger: Logger;
  heartbeatMs: number;
  pairingTtlSeconds: number;
  handshakeTimeoutMs: number;
  rpcTimeoutMs: number;
  agentBudgets: AgentBudgets;
  /** The MSSP's own organization's name, as the account menu and the tree show it. */
  rootOrgName?: string | undefined;
  /** Real ms between the settings' looks at the clock (volume reset, retention). Default 60000. */
  housekeepingMs?: number | undefined;
}

const FIVE_MINUTES = 5 * 60 * 1000;

/** The hub's logic, wired together over one store; no HTTP, no sockets. */
export function createServices(options: ServiceOptions) {
  const { store, data, clock, logger } = options;
  const audit = new AuditLog(store, clock, options.database ? postgresAuditReader(options.database) : undefined);
  const presence = new Presence();
  const views = new TenantViews(data, presence, clock);
  const bus = new EventBus<HubEvents>((error) => logger.error({ err: error }, "live feed listener failed"));
  const pushes = new PushEngine({
    store,
    data,
    dataBesideStore: options.database !== undefined,
    clock,
    logger: logger.child({ component: "push" }),
    catalogue: data.content,
    tenants: data.tenants,
    capabilities: (tenantIds) => entitlementsOf(data.tenants, data.tenantSettings, tenantIds, clock()),
    audit,
    live: (event) => bus.publish("push.progress", event),
  });
  // Item sync state (desired vs reported per tenant) for the content routes.
  const sync: SyncReader = pushes.sync;

  const insightVisibility = new InsightVisibility(data.tenants, clock, data.tenantSettings);
  /** Live `tenant.updated` with the tenant as listed now; a failed read only costs the hint. */
  const capabilityExpiry = new CapabilityExpiry({ data, clock, logger: logger.child({ component: "capabilities" }), changed: (ids) => ids.forEach((id) => publishTenant(id)) });
  const publishTenant = (tenantId: string): void => {
    insightVisibility.invalidate();
    capabilityExpiry.invalidate();
    views.find(tenantId).then(
      (view) => view && bus.publish("tenant.updated", view),
      (error: unknown) => logger.warn({ err: error, tenantId }, "could not read a tenant for its live event"),
    );
  };

  // Federated insights, in the store's kind of storage. Dashboards read the same repository.
  const repository: InsightRepository = options.database ? new PostgresInsightRepository(options.database) : new EmbeddedInsightRepository(store);
  // Aborted when the hub closes, so long-lived responses (the live feed) and timers end promptly.
  const closing = new AbortController();
  // Settings with effect (issue 12): the volume cap the intake asks, retention, usage.
  const tenantSettings = createTenantSettings({
    data,
    database: options.database,
    insights: repository,
    clock,
    logger: logger.child({ component: "settings" }),
    linkOf: (tenantId) => insights.links.get(tenantId),
    housekeepingMs: options.housekeepingMs,
    signal: closing.signal,
  });
  const insights = new InsightService({
    store,
    repository,
    clock,
    logger: logger.child({ component: "insights" }),
    tenants: data.tenants,
    agents: data.agents,
    audit,
    events: { updated: (summary) => bus.publish("insight.updated", summary), ingested: (event) => bus.publish("insights.ingested", event) },
    volume: tenantSettings.volume,
    onConnected: (link) => tenantSettings.service.welcomed(link),
  });

  const gateway = new AgentGateway({
    data,
    audit,
    flush: () => store.flush(),
    presence,
    clock,
    logger: logger.child({ component: "gateway" }),
    heartbeatMs: options.heartbeatMs,
    handshakeTimeoutMs: options.handshakeTimeoutMs,
    rpcTimeoutMs: options.rpcTimeoutMs,
    budgets: options.agentBudgets,
    onTenantChanged: publishTenant,
    content: pushes.reconciler,
    insights: insights.port,
  });

  capabilityExpiry.start(options.housekeepingMs ?? DEFAULT_HOUSEKEEPING_MS, closing.signal);

  return {
    store,
    closing,
    capabilityExpiry,
    clock,
    logger,
    hubKey: options.hubKey,
    settings: { heartbeatMs: options.heartbeatMs, pairingTtlSeconds: options.pairingTtlSeconds, rootOrgName: options.rootOrgName ?? "MSSP" },
    data,
    pairing: new PairingCodes(clock, options.hubKey.pairingSecret),
    keyUse: new ApiKeyUse(data, clock, logger.child({ component: "api-keys" })),
    audit,
    presence,
    views,
    /** The catalogue's rules; its items are `data.content`. */
    catalogue: new Catalogue(clock),
    sync,
    pushes,
    insights,
    tenantSettings,
    savedSearches: new SavedSearches(clock),
    dashboards: createDashboards({ store, clock, views, tenants: data.tenants, pushes: data.pushes, insights: () => insights.repository }),
    gateway,
    bus,
    publishTenant,
    insightVisibility,
    limits: {
      login: new FailureRateLimiter({ maxFailures: 10, windowMs: FIVE_MINUTES, clock }),
      pairing: new PairingBudget({
        clock,
        onHubBudgetSpent: (retryAfterMs) =>
          logger.warn({ retryAfterSeconds: Math.ceil(retryAfterMs / 1000) }, "hub-wide pairing budget spent: every pairing waits (many wrong codes)"),
      }),
    },
  };
}

export type HubServices = ReturnType<typeof createServices>;
