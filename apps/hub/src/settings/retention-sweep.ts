import { USAGE_DAYS_MAX, utcDayOf, type TenantSettings } from "@canopy/api";
import type { Logger } from "pino";
import type { Clock } from "../core/clock.js";
import type { InsightRepository } from "../insights/insight-repository.js";
import type { UsageRepository } from "../insights/usage/usage-repository.js";
import type { TenantSettingsRepository } from "./tenant-settings-repository.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Insights deleted per statement (PostgreSQL) or per flush (embedded): a large purge goes in steps other work can pass. */
export const PURGE_STEP = 1000;

export interface RetentionSweepOptions {
  clock: Clock;
  logger: Logger;
  insights: InsightRepository;
  usage: UsageRepository;
  settings: TenantSettingsRepository;
  /** Every tenant's id and settings (the usage trim's list). */
  tenants(): Promise<{ id: string; settings: TenantSettings }[]>;
  /** Hub ids that left the list (a live hint for boards). */
  purged?(tenantId: string, keys: string[]): void;
}

/**
 * Applies `retentionDays` at the hub: each tenant with one loses the insights created before
 * `now - retentionDays`, in steps of PURGE_STEP, each an index range (never a read of the rest).
 * Also trims the usage counters: with utilization metrics on, USAGE_DAYS_MAX days are kept; off,
 * only today's (what the cap needs).
 */
export class RetentionSweep {
  readonly #options: RetentionSweepOptions;

  constructor(options: RetentionSweepOptions) {
    this.#options = options;
  }

  /** Every tenant with a retention, and every tenant's usage; returns how many insights went. */
  async sweep(): Promise<number> {
    let total = 0;
    for (const { id, retentionDays } of await this.#options.settings.withRetention()) total += await this.purgeTenant(id, retentionDays);
    const today = utcDayOf(this.#options.clock());
    const keepFrom = utcDayOf(this.#options.clock() - (USAGE_DAYS_MAX - 1) * DAY_MS);
    for (const { id, settings } of await this.#options.tenants()) {
      await this.#options.usage.forgetBefore(id, settings.utilizationMetrics ? keepFrom : today);
    }
    return total;
  }

  /** One tenant's insights older than `retentionDays`; returns how many went. */
  async purgeTenant(tenantId: string, retentionDays: number | null): Promise<number> {
    if (retentionDays === null) return 0;
    const before = this.#options.clock() - retentionDays * DAY_MS;
    let total = 0;
    for (;;) {
      const keys = await this.#options.insights.purgeCreatedBefore(tenantId, before, PURGE_STEP);
      total += keys.length;
      if (keys.length > 0) this.#options.purged?.(tenantId, keys);
      if (keys.length < PURGE_STEP) break;
    }
    if (total > 0) this.#options.logger.info({ tenantId, retentionDays, purged: total }, "retention purged insights");
    return total;
  }
}
