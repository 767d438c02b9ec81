import type { Logger } from "pino";
import { isoAt, type Clock } from "../core/clock.js";
import type { HubData } from "../domain/hub-data.js";
import type { TenantRecord } from "../domain/records.js";
import { grantedCapabilities } from "./capabilities.js";

/** How long the earliest expiry read is trusted at most (another hub process may grant an earlier one). */
export const REREAD_MS = 15 * 60_000;

/**
 * Makes capability expiries durable and audited, on a clock: a capability past its expiry is
 * taken from the organization that held it and from every organization under it that was given
 * it, each change with its audit entry (`tenant.capability.expire`). What an organization holds
 * already stops at the expiry on every read (capabilities.ts); this is what makes it a fact
 * someone can look up, and what a renewed parent does not silently hand back to its customers.
 */
export class CapabilityExpiry {
  readonly #data: HubData;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #changed: (tenantIds: readonly string[]) => void;
  #running: Promise<number> | undefined;
  /** The earliest expiry still to come as last read (null: none), and when it was read. */
  #next: { at: string | null; readAt: number } | undefined;

  constructor(options: { data: HubData; clock: Clock; logger: Logger; changed: (tenantIds: readonly string[]) => void }) {
    this.#data = options.data;
    this.#clock = options.clock;
    this.#logger = options.logger;
    this.#changed = options.changed;
  }

  /** Looks at the clock on an interval until `signal` aborts. */
  start(intervalMs: number, signal: AbortSignal): void {
    const timer = setInterval(() => void this.check().catch((error: unknown) => this.#logger.error({ err: error }, "could not expire capabilities; trying again")), intervalMs);
    timer.unref();
    signal.addEventListener("abort", () => clearInterval(timer), { once: true });
  }

  /** A tenant changed here (a grant may bring an earlier expiry): the next look reads them all again. */
  invalidate(): void {
    this.#next = undefined;
  }

  /** One look: how many capabilities were taken. One at a time. */
  check(): Promise<number> {
    return (this.#running ??= this.#check().finally(() => (this.#running = undefined)));
  }

  async #check(): Promise<number> {
    const clock = this.#clock();
    const now = isoAt(clock);
    // Nothing due until the earliest known expiry: a look costs no read. Read again now and then
    // all the same, for a grant made through another hub process.
    const next = this.#next;
    if (next && clock - next.readAt < REREAD_MS && (next.at === null || now < next.at)) return 0;
    const tenants = await this.#data.tenants.all();
    const expiries = tenants.flatMap((tenant) => (tenant.capabilities ?? []).filter((c) => c.expiresAt !== null).map((c) => ({ tenant, name: c.name, expiresAt: c.expiresAt! })));
    const expired = expiries.filter((c) => c.expiresAt <= now);
    const later = expiries.filter((c) => c.expiresAt > now).reduce<string | null>((min, c) => (min === null || c.expiresAt < min ? c.expiresAt : min), null);
    this.#next = { at: later, readAt: clock };
    if (expired.length === 0) return 0;
    const children = new Map<string, TenantRecord[]>();
    for (const tenant of tenants) if (tenant.parentId !== null) children.set(tenant.parentId, [...(children.get(tenant.parentId) ?? []), tenant]);
    const changed = new Set<string>();
    let taken = 0;
    await this.#data.write(async (tx) => {
      for (const { tenant, name, expiresAt } of expired) {
        // The subtree loses it with its holder: the holder, then each level under it that was given it.
        let level: TenantRecord[] = [tenant];
        while (level.length > 0) {
          const next: TenantRecord[] = [];
          for (const member of level) {
            const current = await tx.tenants.getForUpdate(member.id);
            if (!current) continue;
            const granted = grantedCapabilities(current);
            if (granted.some((c) => c.name === name)) {
              await tx.tenants.update({ ...current, capabilities: granted.filter((c) => c.name !== name), updatedAt: now });
              await tx.audit.record({
                actor: "system",
                action: "tenant.capability.expire",
                target: `tenant:${current.id}`,
                detail: { capability: name, expiresAt, ...(current.id === tenant.id ? {} : { because: `tenant:${tenant.id}` }) },
              });
              changed.add(current.id);
              taken++;
            }
            next.push(...(children.get(member.id) ?? []));
          }
          level = next;
        }
      }
    });
    this.#changed([...changed]);
    this.#logger.info({ taken, organizations: changed.size }, "capabilities expired");
    return taken;
  }
}
