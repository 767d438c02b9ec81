import { createHub, createLogger, type Hub } from "@canopy/hub";
import { ApiClient } from "./api-client.js";
import { ADMIN_EMAIL, ADMIN_PASSWORD } from "./hub-process.js";
import { dropHubDatabase, hubStoreEnv } from "./hub-store.js";

/** A clock a test moves: real time plus an offset it sets (`moveTo`) or adds to (`advance`). */
export interface TestClock {
  (): number;
  moveTo(ms: number): void;
  advance(ms: number): void;
}

export function testClock(): TestClock {
  let offset = 0;
  const clock = (() => Date.now() + offset) as TestClock;
  clock.moveTo = (ms) => void (offset = ms - Date.now());
  clock.advance = (ms) => void (offset += ms);
  return clock;
}

export interface InProcessHub {
  hub: Hub;
  url: string;
  api: ApiClient;
  close(): Promise<void>;
}

/**
 * The real hub (built `@canopy/hub`, real sockets, the suite's store: lowdb files or its own
 * PostgreSQL database) in this process, for scenarios that must move the hub's clock, such as
 * past UTC midnight. `canopy-hub start` has no way to set its clock, on purpose: a test-only
 * switch in the shipped binary is one an operator could flip too. Agents stay real processes.
 */
export async function startInProcessHub(options: { dataDir: string; clock: TestClock; housekeepingMs: number }): Promise<InProcessHub> {
  const databaseUrl = (await hubStoreEnv(options.dataDir)).CANOPY_DATABASE_URL;
  const hub = createHub({
    dataDir: options.dataDir,
    ...(databaseUrl ? { databaseUrl } : {}),
    adminEmail: ADMIN_EMAIL,
    adminPassword: ADMIN_PASSWORD,
    heartbeatMs: 1000,
    clock: options.clock,
    housekeepingMs: options.housekeepingMs,
    logger: createLogger("warn"),
  });
  const { url } = await hub.listen({ port: 0, host: "127.0.0.1" });
  return {
    hub,
    url,
    api: await ApiClient.login(url),
    async close() {
      await hub.close();
      await dropHubDatabase(options.dataDir);
    },
  };
}
