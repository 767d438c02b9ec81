import type { Collection, Store } from "@canopy/store";
import { z } from "zod";
import type { InsightStore } from "./insight-store.js";
import type { AgentLogger } from "../core/logger.js";

export const TENANT_SETTINGS_COLLECTION = "tenant-settings";
/** How often a running agent applies its retention (and once whenever the hub tells it a new one). */
export const DEFAULT_RETENTION_CHECK_MS = 60 * 60 * 1000;

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the hub last told this agent of its tenant's settings (`tenant.settings`), kept so it applies offline too. */
export const TenantSettingsDoc = z.object({
  id: z.literal("retention"),
  retentionDays: z.number().int().positive().nullable(),
  receivedAt: z.string(),
});
export type TenantSettingsDoc = z.infer<typeof TenantSettingsDoc>;

export interface InsightRetentionOptions {
  store: Store;
  insights: InsightStore;
  logger: AgentLogger;
  /** Between purges while running. Default DEFAULT_RETENTION_CHECK_MS. */
  checkMs?: number;
  now?: () => Date;
}

/**
 * The tenant's retention at the agent: insights created more than `retentionDays` ago are deleted
 * from the local store, when the hub says so (every welcome, and on change) and on a schedule,
 * with the last word kept on disk so an agent cut off from the hub still applies it.
 */
export class InsightRetention {
  readonly #options: InsightRetentionOptions;
  readonly #docs: Collection<TenantSettingsDoc>;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: InsightRetentionOptions) {
    this.#options = options;
    this.#docs = options.store.collection<TenantSettingsDoc>(TENANT_SETTINGS_COLLECTION);
  }

  get retentionDays(): number | null {
    return this.#docs.get("retention")?.retentionDays ?? null;
  }

  /** Starts the schedule (a purge now, then every `checkMs`). */
  start(): void {
    this.#timer = setInterval(() => void this.#purgeLogged(), this.#options.checkMs ?? DEFAULT_RETENTION_CHECK_MS);
    this.#timer.unref();
    void this.#purgeLogged();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** The hub's `tenant.settings`: kept, and applied at once when it changed. */
  async received(retentionDays: number | null): Promise<void> {
    if (this.#docs.get("retention")?.retentionDays === retentionDays) return;
    this.#docs.put({ id: "retention", retentionDays, receivedAt: this.#now().toISOString() });
    await this.#options.store.flush();
    this.#options.logger.info({ retentionDays }, "tenant retention set by the hub");
    await this.purge();
  }

  /** Deletes what is older than the retention (none: nothing); returns how many went. */
  async purge(): Promise<number> {
    const days = this.retentionDays;
    if (days === null) return 0;
    const purged = this.#options.insights.purgeCreatedBefore(new Date(this.#now().getTime() - days * DAY_MS));
    if (purged.length === 0) return 0;
    await this.#options.store.flush();
    this.#options.logger.info({ retentionDays: days, purged: purged.length }, "retention purged insights");
    return purged.length;
  }

  #now(): Date {
    return this.#options.now?.() ?? new Date();
  }

  async #purgeLogged(): Promise<void> {
    try {
      await this.purge();
    } catch (error) {
      this.#options.logger.error({ err: error instanceof Error ? error.message : String(error) }, "retention purge failed; trying again later");
    }
  }
}
