import type { Logger } from "pino";
import type { Clock } from "../core/clock.js";

/** How often the hub looks at its clock for settings' work (the day turning). */
export const DEFAULT_HOUSEKEEPING_MS = 60_000;
/** How often (by the hub's clock) retention runs over every tenant. */
export const RETENTION_EVERY_MS = 60 * 60 * 1000;

export interface HousekeepingOptions {
  clock: Clock;
  logger: Logger;
  /** Real milliseconds between looks at the clock (tests: short, or fake timers). */
  intervalMs: number;
  /** Every tick: cheap checks (the UTC day turned). */
  everyTick(): void;
  /** When RETENTION_EVERY_MS has passed on the clock since the last run (and at the first tick). */
  sweep(): Promise<unknown>;
  /** Aborted when the hub closes. */
  signal: AbortSignal;
}

/**
 * The settings' schedule: a timer that looks at the hub's injected clock, so a test moving the
 * clock past UTC midnight (or an hour on) sees the work done at the next tick, without waiting
 * for the real time. One tick at a time: a slow sweep is not started twice.
 */
export function startHousekeeping(options: HousekeepingOptions): { tick(): Promise<void> } {
  let lastSweep: number | null = null;
  let running: Promise<void> | undefined;
  const tick = (): Promise<void> =>
    (running ??= (async () => {
      try {
        options.everyTick();
        const now = options.clock();
        if (lastSweep === null || now - lastSweep >= RETENTION_EVERY_MS || now < lastSweep) {
          lastSweep = now;
          await options.sweep();
        }
      } catch (error) {
        options.logger.error({ err: error }, "housekeeping failed; trying again at the next tick");
      }
    })().finally(() => (running = undefined)));
  const timer = setInterval(() => void tick(), options.intervalMs);
  timer.unref();
  options.signal.addEventListener("abort", () => clearInterval(timer), { once: true });
  return { tick };
}
