import { hubBin } from "./paths.js";
import { spawnNode, type Child } from "./child.js";
import { hubStoreEnv } from "./hub-store.js";
import { waitFor } from "./wait.js";

export const ADMIN_EMAIL = "admin@e2e.test";
export const ADMIN_PASSWORD = "correct horse battery staple";

export interface HubProcess {
  url: string;
  port: number;
  child: Child;
  /** SIGTERM and wait: a graceful stop. */
  stop(): Promise<number | string>;
  /** SIGKILL: a crash. */
  kill(): Promise<number | string>;
}

export interface HubProcessOptions {
  dataDir: string;
  /** 0 picks a free port; pass the old port to restart "the same" hub. */
  port?: number;
  heartbeatMs?: number;
  /** Over the defaults and the suite's store (`CANOPY_DATABASE_URL` on PostgreSQL, see hub-store.ts). */
  env?: NodeJS.ProcessEnv;
  /** More `canopy-hub start` flags, such as `--new-identity`. */
  extraArgs?: string[];
}

/** Starts `canopy-hub start` as a child process and waits for its `listening on` line. */
export async function startHubProcess(options: HubProcessOptions): Promise<HubProcess> {
  const child = spawnNode(
    hubBin,
    ["start", "--port", String(options.port ?? 0), "--host", "127.0.0.1", "--data-dir", options.dataDir, ...(options.extraArgs ?? [])],
    {
      CANOPY_ADMIN_EMAIL: ADMIN_EMAIL,
      CANOPY_ADMIN_PASSWORD: ADMIN_PASSWORD,
      CANOPY_HEARTBEAT_MS: String(options.heartbeatMs ?? 1000),
      ...(await hubStoreEnv(options.dataDir)),
      ...options.env,
    },
  );
  let exitedEarly: number | string | undefined;
  void child.exited.then((code) => (exitedEarly = code));
  const url = await waitFor(
    "the hub's `listening on` line",
    () => {
      if (exitedEarly !== undefined) throw new Error(`hub exited with ${exitedEarly}: ${child.stderr().slice(-2000)}`);
      return /^listening on (http:\/\/\S+)$/m.exec(child.stdout())?.[1];
    },
    { timeoutMs: 20_000 },
  );
  return {
    url,
    port: Number(new URL(url).port),
    child,
    stop: () => child.stop(),
    kill: async () => {
      child.process.kill("SIGKILL");
      return child.exited;
    },
  };
}
