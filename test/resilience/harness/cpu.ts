import { readFileSync } from "node:fs";

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
