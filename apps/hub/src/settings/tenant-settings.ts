import { capBytesOf, nextUtcMidnight, utcDayOf, type TenantUsage } from "@canopy/api";
import type { PostgresDatabase } from "@canopy/store";
import type { Logger } from "pino";
import { isoAt, type Clock } from "../core/clock.js";
import type { HubData } from "../domain/hub-data.js";
import type { InsightLink } from "../gateway/insight-port.js";
import type { EmbeddedInsightRepository } from "../insights/embedded-insight-repository.js";
import type { InsightRepository } from "../insights/insight-repository.js";
import { postgresUsage } from "../insights/usage/postgres-usage.js";
import type { UsageRepository } from "../insights/usage/usage-repository.js";
import { DEFAULT_HOUSEKEEPING_MS, startHousekeeping } from "./housekeeping.js";
import { RetentionSweep } from "./retention-sweep.js";
import { TenantSettingsService } from "./tenant-settings-service.js";
import { VolumeCap } from "./volume-cap.js";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface TenantSettingsOptions {
  data: HubData;
  /** Set on PostgreSQL: usage is read from its table. */
  database?: PostgresDatabase | undefined;
  /** The insight repository, made before the insight service (whose intake asks the cap). */
  insights: InsightRepository;
  clock: Clock;
  logger: Logger;
  linkOf(tenantId: string): InsightLink | undefined;
  /** Real ms between looks at the clock. Default DEFAULT_HOUSEKEEPING_MS. */
  housekeepingMs?: number | undefined;
  signal: AbortSignal;
}

/**
 * Tenant settings with their effects, wired together: the settings themselves, the daily volume
 * cap the insight intake asks, the retention sweep, the usage answer, and the schedule that
 * drives the cap's reset and the sweep from the hub's clock.
 */
export function createTenantSettings(options: TenantSettingsOptions) {
  const { data, clock, logger } = options;
  const usage: UsageRepository = options.database ? postgresUsage(options.database.pool) : (options.insights as EmbeddedInsightRepository).book.usage;
  const service = new TenantSettingsService({
    data,
    clock,
    logger,
    linkOf: options.linkOf,
    // Called only after start-up (a PATCH), when `volume` and `retention` below exist.
    changed(tenantId, settings, fields) {
      if (fields.has("dailyVolumeGb")) void volume.settingsChanged(tenantId).catch((error: unknown) => logger.warn({ err: error, tenantId }, "could not apply a new volume cap"));
      if (fields.has("retentionDays"))
        void retention.purgeTenant(tenantId, settings.retentionDays).catch((error: unknown) => logger.warn({ err: error, tenantId }, "retention purge failed; the next sweep tries again"));
    },
  });
  const volume = new VolumeCap({ clock, usage, settings: (tenantId) => service.effective(tenantId), linkOf: options.linkOf, logger });
  const retention = new RetentionSweep({
    clock,
    logger,
    insights: options.insights,
    usage,
    settings: data.tenantSettings,
    tenants: async () => Promise.all((await data.tenants.all()).map(async (tenant) => ({ id: tenant.id, settings: await service.effective(tenant.id) }))),
  });
  const housekeeping = startHousekeeping({
    clock,
    logger,
    intervalMs: options.housekeepingMs ?? DEFAULT_HOUSEKEEPING_MS,
    everyTick: () => volume.dayCheck(),
    sweep: () => retention.sweep(),
    signal: options.signal,
  });

  /** `GET /tenants/{id}/usage`: today against the cap; with metrics on, the last `days` days (zeros included). */
  async function usageOf(tenantId: string, days: number): Promise<TenantUsage> {
    const settings = await service.get(tenantId);
    const now = clock();
    const today = utcDayOf(now);
    const from = settings.utilizationMetrics ? utcDayOf(now - (days - 1) * DAY_MS) : today;
    const kept = new Map((await usage.days(tenantId, from, today)).map((day) => [day.day, day]));
    const series = [];
    for (let at = Date.parse(`${from}T00:00:00Z`); at <= now; at += DAY_MS) {
      const day = utcDayOf(at);
      series.push(kept.get(day) ?? { day, count: 0, bytes: 0 });
    }
    const current = series.at(-1)!;
    const capBytes = capBytesOf(settings.dailyVolumeGb);
    return {
      tenantId,
      dailyVolumeGb: settings.dailyVolumeGb,
      capBytes,
      utilizationMetrics: settings.utilizationMetrics,
      today: { ...current, capReached: current.bytes >= capBytes, resetsAt: isoAt(nextUtcMidnight(now)) },
      days: series,
    };
  }

  return {
    service,
    volume,
    retention,
    usage,
    usageOf,
    /** Runs the schedule's work now (tests, and after a clock jump). */
    tick: housekeeping.tick,
    /** The tenant was deleted (its settings row went in the same unit of work). */
    tenantDeleted(tenantId: string): void {
      service.forget(tenantId);
      volume.forget(tenantId);
    },
  };
}

export type TenantSettingsFeature = ReturnType<typeof createTenantSettings>;
