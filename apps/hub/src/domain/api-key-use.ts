import type { Logger } from "pino";
import { isoAt, type Clock } from "../core/clock.js";
import type { HubData } from "./hub-data.js";
import type { ApiKeyRecord } from "./records.js";

/** How stale a key's "last used" may get: a script calling every second must not write every second. */
export const KEY_USE_RESOLUTION_MS = 60_000;

/**
 * Notes when each API key was last used, at most once a minute per key, in the background: a
 * request never waits for it, and a failed note is only logged (the next use tries again).
 */
export class ApiKeyUse {
  readonly #data: HubData;
  readonly #clock: Clock;
  readonly #logger: Logger;
  /** When this process last wrote each key's use (ms); bounded by the keys there are. */
  readonly #written = new Map<string, number>();

  constructor(data: HubData, clock: Clock, logger: Logger) {
    this.#data = data;
    this.#clock = clock;
    this.#logger = logger;
  }

  touch(key: ApiKeyRecord): void {
    const now = this.#clock();
    const last = this.#written.get(key.id) ?? (key.lastUsedAt === undefined ? undefined : Date.parse(key.lastUsedAt));
    if (last !== undefined && now - last < KEY_USE_RESOLUTION_MS) return;
    this.#written.set(key.id, now);
    this.#data.write((tx) => tx.apiKeys.touch(key.id, isoAt(now))).catch((error: unknown) => {
      this.#written.delete(key.id);
      this.#logger.warn({ err: error, keyId: key.id }, "could not note an API key's use");
    });
  }

  forget(keyId: string): void {
    this.#written.delete(keyId);
  }
}
