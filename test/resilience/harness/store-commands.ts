import { ADMIN_EMAIL, ADMIN_PASSWORD, agentBin, hubBin, spawnNode } from "@canopy/test-e2e/harness";

export interface Ran {
  code: number | string;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs a CLI to its exit, with a deadline: a `start` or `run` that should refuse but starts
 * instead would otherwise never end. Past the deadline it is stopped and the run fails.
 */
export async function runToExit(script: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<Ran> {
  const t0 = performance.now();
  const child = spawnNode(script, args, env);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), timeoutMs)));
  const code = await Promise.race([child.exited, late]);
  clearTimeout(timer);
  if (code === "late") {
    await child.stop(2000);
    throw new Error(`${args.join(" ")} was still running after ${timeoutMs} ms (it should have ended by itself): ${child.stderr().slice(-2000)}`);
  }
  return { code, stdout: child.stdout(), stderr: child.stderr(), ms: performance.now() - t0 };
}

/** `canopy-hub …` as an operator types it. `start` gets the admin of the e2e harness (first start only). */
export const hubCli = (args: string[], timeoutMs?: number) =>
  runToExit(hubBin, args, { CANOPY_ADMIN_EMAIL: ADMIN_EMAIL, CANOPY_ADMIN_PASSWORD: ADMIN_PASSWORD }, timeoutMs);

/** `canopy-agent …` as a tenant's admin types it. */
export const agentCliRun = (args: string[], timeoutMs?: number) => runToExit(agentBin, args, { CANOPY_RECONNECT_MAX_MS: "1000" }, timeoutMs);

/** The `error: …` lines of a CLI's stderr (pino's JSON log lines left out). */
export const errorLines = (stderr: string) => stderr.split("\n").filter((line) => line.startsWith("error: "));

/** Runs `work` over `items`, `width` at a time (two cores: each CLI run is a Node start-up). */
export async function inPool<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const at = next++;
        results[at] = await work(items[at]!);
      }
    }),
  );
  return results;
}
