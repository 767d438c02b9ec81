import type { HubProcess } from "@canopy/test-e2e/harness";
import { hubDeath } from "./hub-watch.js";

export interface HubHealth {
  alive: boolean;
  healthz: number | string;
  /** Only when the hub process is gone: its exit code or signal, and its last stderr lines if `watchHub` saw it die. */
  exit?: number | string;
  stderrTail?: string;
}

/** The hub process is still running and `/healthz` answers 200 within `timeoutMs`. */
export async function hubHealthy(hub: HubProcess, timeoutMs = 5000): Promise<HubHealth> {
  const { exitCode, signalCode } = hub.child.process;
  const alive = exitCode === null && signalCode === null;
  const death = alive ? {} : { exit: exitCode ?? signalCode ?? "unknown", ...(hubDeath(hub) ? { stderrTail: hubDeath(hub)!.stderrTail } : {}) };
  try {
    const res = await fetch(new URL("/healthz", hub.url), { signal: AbortSignal.timeout(timeoutMs) });
    return { alive, healthz: res.status, ...death };
  } catch (error) {
    return { alive, healthz: error instanceof Error ? error.message : String(error), ...death };
  }
}
