import { readFileSync } from "node:fs";
import { getPriority, setPriority } from "node:os";

/**
 * CPU seconds (user + system) a process has used, from /proc (Linux); NaN elsewhere. Beside wall
 * time it says what a phase cost, however busy the machine was with other work.
 */
export function cpuSeconds(pid: number = process.pid): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Measures the CPU the given processes spend during `work`. */
export async function withCpu<T>(pids: Record<string, number>, work: () => Promise<T>): Promise<{ result: T; cpu: string }> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)]));
  const result = await work();
  const cpu = Object.entries(pids)
    .map(([name, pid]) => `${name} ${(cpuSeconds(pid) - before[name]!).toFixed(1)} s`)
    .join(", ");
  return { result, cpu };
}

/**
 * Runs `work` with this thread at a lower CPU priority (nice 10), then restores it. For the
 * attacker's side of a scenario: on a two-core machine the fuzzer's own CPU would otherwise be
 * measured as the hub's latency (in production it runs on other machines). The hub, its agents
 * and the ping probe are processes of their own and keep their priority.
 */
export async function asBackground<T>(work: () => Promise<T>): Promise<T> {
  const before = getPriority();
  setPriority(Math.max(before, 10));
  try {
    return await work();
  } finally {
    try {
      setPriority(before);
    } catch {
      // Raising it back needs CAP_SYS_NICE: without it the rest of the scenario stays at nice 10, which only slows the fuzzer.
    }
  }
}
