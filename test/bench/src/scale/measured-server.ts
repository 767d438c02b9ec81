import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { EventLoopDelay } from "../event-loop-probe.js";
import { cpuMsOf } from "../processes.js";

/** Node flags that preload the probe (event-loop delay, heap after GC) into a measured server. */
export const PROBED = ["--expose-gc", "--import", fileURLToPath(new URL("../../dist/event-loop-probe.js", import.meta.url))];

/** Asks a server's preloaded probe (`event-loop-probe.ts`) over its IPC channel. */
function askProbe<T>(child: ChildProcess, message: string, type: string, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
    };
    const onMessage = (answer: { type?: string }) => {
      if (answer?.type !== type) return;
      done();
      resolve(answer as T);
    };
    const onExit = () => {
      done();
      reject(new Error(`the server exited while asked for ${message}`));
    };
    // A probe that never answers (not preloaded, the loop stuck) fails the run, naming what was asked.
    const timer = setTimeout(() => {
      done();
      reject(new Error(`the server's probe did not answer "${message}" within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    child.on("message", onMessage);
    child.once("exit", onExit);
    child.send(message);
  });
}

/** Heap in use after a full GC, bytes. */
export async function heapAfterGc(child: ChildProcess): Promise<number> {
  return (await askProbe<{ heapUsed: number }>(child, "heap", "heap")).heapUsed;
}

/**
 * Heap after GC once it stops falling: what a server still does after the last socket closed
 * (writes behind, timers of closed sessions) lets go of its memory a moment later. Read every
 * `everyMs` until a reading is not below the lowest of the last `samples` by more than 256 KiB,
 * or until `timeoutMs` (then the lowest reading).
 */
export async function settledHeap(child: ChildProcess, { everyMs = 500, samples = 4, timeoutMs = 30_000 } = {}): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  const readings: number[] = [await heapAfterGc(child)];
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    readings.push(await heapAfterGc(child));
    const recent = readings.slice(-samples);
    const falling = recent.length < samples || recent[0]! - Math.min(...recent) > 256 * 1024;
    if (!falling || performance.now() > deadline) return Math.min(...recent);
  }
}

export interface Measured<T> {
  wallS: number;
  /** The server process's own CPU time (user + system) while the scenario ran. */
  cpuS: number;
  /** The server's event-loop delay during the scenario (lateness, ms). */
  loop: EventLoopDelay;
  /** The agents' side (the fleet processes) meanwhile, CPU seconds: on a small machine they share its cores with the server. */
  agentsCpuS?: number;
  value: T;
}

/** Runs `body` and takes the server's wall time, CPU seconds and event-loop delay over it. */
export async function measure<T>(server: () => ChildProcess, body: () => Promise<T>): Promise<Measured<T>> {
  await askProbe(server(), "event-loop-delay", "event-loop-delay"); // resets the histogram
  const pid = server().pid!;
  const cpu0 = cpuMsOf(pid);
  const t0 = performance.now();
  const value = await body();
  const wallS = (performance.now() - t0) / 1000;
  // A restart inside `body` replaces the process: its CPU is then the new one's since its start.
  const after = server();
  const cpuS = (cpuMsOf(after.pid!) - (after.pid === pid ? cpu0 : 0)) / 1000;
  const loop = await askProbe<EventLoopDelay>(after, "event-loop-delay", "event-loop-delay");
  return { wallS, cpuS, loop: { p50: loop.p50, p99: loop.p99, max: loop.max }, value };
}
