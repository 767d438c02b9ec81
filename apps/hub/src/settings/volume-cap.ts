import { capBytesOf, nextUtcMidnight, utcDayOf, type TenantSettings } from "@canopy/api";
import type { Logger } from "pino";
import { isoAt, type Clock } from "../core/clock.js";
import type { InsightLink } from "../gateway/insight-port.js";
import type { UsageRepository } from "../insights/usage/usage-repository.js";

/** Whether a batch may be stored now, and on which UTC day it counts. */
export type Admission = { ok: true; day: string } | { ok: false; message: string; retryAfterMs: number };

/** What the insight intake asks before and tells after storing an agent's batch. */
export interface VolumeGate {
  admit(tenantId: string): Promise<Admission>;
  /** The batch admitted on `day` is durable: its bytes count now. */
  accepted(tenantId: string, day: string, bytes: number): void;
}

export interface VolumeCapOptions {
  clock: Clock;
  usage: UsageRepository;
  settings(tenantId: string): Promise<TenantSettings>;
  linkOf(tenantId: string): InsightLink | undefined;
  logger: Logger;
}

interface Used {
  day: string;
  bytes: number;
}

export function formatBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${Number(value.toFixed(value < 10 && unit > 0 ? 2 : 0))} ${units[unit]}`;
}

/**
 * The daily insight volume cap (setting `dailyVolumeGb`). Each tenant's bytes of the current UTC
 * day are read from the durable counters once per day (per hub process) and then kept here,
 * advanced only after a batch is durable, so a batch costs one map lookup, never a read of the
 * usage table. Once the day's bytes reach the cap, batches are refused until the day turns (or the
 * cap is raised); the agent keeps them. The cap may be passed by what was admitted while it was
 * still under it: at most the batches an agent has in flight at once (its outbox window).
 */
export class VolumeCap implements VolumeGate {
  readonly #options: VolumeCapOptions;
  readonly #used = new Map<string, Used>();
  /** Tenants refused since the cap last let them through: told `insights.resume` when it does. */
  readonly #held = new Set<string>();
  #day: string;

  constructor(options: VolumeCapOptions) {
    this.#options = options;
    this.#day = utcDayOf(options.clock());
  }

  async admit(tenantId: string): Promise<Admission> {
    const now = this.#options.clock();
    const day = utcDayOf(now);
    const [settings, used] = await Promise.all([this.#options.settings(tenantId), this.#usedOn(tenantId, day)]);
    const cap = capBytesOf(settings.dailyVolumeGb);
    if (used.bytes < cap) return { ok: true, day };
    if (!this.#held.has(tenantId)) {
      this.#held.add(tenantId);
      this.#options.logger.info({ tenantId, day, bytes: used.bytes, cap }, "daily insight volume reached; holding the tenant's insights at its agent");
    }
    const resetsAt = nextUtcMidnight(now);
    return {
      ok: false,
      retryAfterMs: resetsAt - now,
      message: `daily insight volume reached: ${formatBytes(used.bytes)} of ${formatBytes(cap)} on ${day} (UTC); insights wait at the agent until ${isoAt(resetsAt)} or until the cap is raised`,
    };
  }

  accepted(tenantId: string, day: string, bytes: number): void {
    const used = this.#used.get(tenantId);
    // Another day's entry: the next admission reads that day from the durable counters, this batch included.
    if (used?.day === day) used.bytes += bytes;
  }

  /** Whether the tenant's batches are being refused now (for its usage answer). */
  isHeld(tenantId: string): boolean {
    return this.#held.has(tenantId);
  }

  /** Housekeeping: when the UTC day has turned, every held tenant may send again. */
  dayCheck(): void {
    const day = utcDayOf(this.#options.clock());
    if (day === this.#day) return;
    this.#day = day;
    // Entries of past days are dead weight; the next admission reads the new day.
    for (const [tenantId, used] of this.#used) if (used.day !== day) this.#used.delete(tenantId);
    for (const tenantId of [...this.#held]) this.#release(tenantId);
  }

  /** The tenant's settings changed (a raised cap): let it send again if it is under the new one. */
  async settingsChanged(tenantId: string): Promise<void> {
    if (!this.#held.has(tenantId)) return;
    if ((await this.admit(tenantId)).ok) this.#release(tenantId);
  }

  /** The tenant is gone. */
  forget(tenantId: string): void {
    this.#used.delete(tenantId);
    this.#held.delete(tenantId);
  }

  #release(tenantId: string): void {
    this.#held.delete(tenantId);
    // Not connected: its next welcome resends what it holds anyway.
    const told = this.#options.linkOf(tenantId)?.notify({ type: "insights.resume" }) ?? false;
    this.#options.logger.info({ tenantId, told }, "insights of the tenant may come again");
  }

  async #usedOn(tenantId: string, day: string): Promise<Used> {
    const cached = this.#used.get(tenantId);
    if (cached?.day === day) return cached;
    const read = await this.#options.usage.day(tenantId, day);
    // Read by a concurrent admission meanwhile (and maybe advanced since): that one is current.
    const now = this.#used.get(tenantId);
    if (now?.day === day) return now;
    const used = { day, bytes: read.bytes };
    this.#used.set(tenantId, used);
    return used;
  }
}
