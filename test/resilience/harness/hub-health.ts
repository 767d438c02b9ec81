import type { HubProcess } from "@canopy/test-e2e/harness";

/** The hub process is still running and `/healthz` answers 200 within `timeoutMs`. */
export async function hubHealthy(hub: HubProcess, timeoutMs = 5000): Promise<{ alive: boolean; healthz: number | string }> {
  const alive = hub.child.process.exitCode === null && hub.child.process.signalCode === null;
  try {
    const res = await fetch(new URL("/healthz", hub.url), { signal: AbortSignal.timeout(timeoutMs) });
    return { alive, healthz: res.status };
  } catch (error) {
    return { alive, healthz: error instanceof Error ? error.message : String(error) };
  }
}
