import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";

export interface Server {
  url: string;
  child: ChildProcess;
  rssBytes(): number;
  stop(): Promise<void>;
}

export interface ServerOptions {
  env?: NodeJS.ProcessEnv;
  /** Node flags before the script (`--import probe.js`, `--cpu-prof`). */
  nodeArgs?: string[];
  /** Open an IPC channel (for a preloaded probe to answer on). */
  ipc?: boolean;
  /** Instead of passing stderr through, count its bytes here (a flood must not flood the terminal). */
  stderrBytes?: { count: number };
}

/** Starts `node script args` and waits for its `listening on URL` line. */
export function startServer(script: string, args: string[], options: ServerOptions = {}): Promise<Server> {
  const stderr = options.stderrBytes ? "pipe" : "inherit";
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script, ...args], {
    env: { ...process.env, CANOPY_LOG_LEVEL: "warn", ...options.env },
    stdio: options.ipc ? ["ignore", "pipe", stderr, "ipc"] : ["ignore", "pipe", stderr],
  });
  // A bench that dies (a test timing out, an error) must not leave its servers running.
  const killOnExit = () => child.kill("SIGKILL");
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  const counter = options.stderrBytes;
  if (counter) child.stderr!.on("data", (chunk: Buffer) => (counter.count += chunk.length));
  return new Promise((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
      if (url) {
        child.removeAllListeners("exit");
        resolve({
          url,
          child,
          rssBytes: () => rssOf(child.pid!),
          // A server that does not exit within a minute of SIGTERM is killed, and the bench fails
          // saying so rather than waiting for ever.
          stop: () =>
            new Promise((done, fail) => {
              if (child.exitCode !== null || child.signalCode !== null) return done();
              const timer = setTimeout(() => {
                child.kill("SIGKILL");
                fail(new Error(`${script} did not exit within 60 s of SIGTERM; killed`));
              }, 60_000);
              child.once("exit", () => {
                clearTimeout(timer);
                done();
              });
              child.kill("SIGTERM");
            }),
        });
      }
    });
  });
}

/** Resident memory of a process, from /proc (Linux). */
export function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return kb * 1024;
}

/**
 * The resident memory only this process holds (anonymous pages: heap, stacks, buffers), from
 * /proc (Linux). RSS adds the pages of the node binary and libraries it has touched, which every
 * Node process on the host shares (~34 MiB of a bare `node`'s 40).
 */
export function privateMemoryOf(pid: number): number {
  const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
  return Number(/^Anonymous:\s+(\d+) kB/m.exec(rollup)?.[1] ?? NaN) * 1024;
}

/**
 * A process's resident memory once it has settled (start-up, connections and collections done):
 * sampled every `everyMs` until `samples` readings in a row stay within `tolerance` of their
 * mean. After `timeoutMs` the last reading is taken anyway, and the figure is marked unsettled.
 */
export function settledRss(pid: number, { everyMs = 100, samples = 5, tolerance = 0.01, timeoutMs = 15_000 } = {}): Promise<number> {
  const started = performance.now();
  const recent: number[] = [];
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      recent.push(rssOf(pid));
      if (recent.length > samples) recent.shift();
      const mean = recent.reduce((a, b) => a + b, 0) / recent.length;
      const steady = recent.length === samples && recent.every((v) => Math.abs(v - mean) <= mean * tolerance);
      const late = performance.now() - started > timeoutMs;
      if (!steady && !late) return;
      clearInterval(timer);
      if (!steady) console.warn(`RSS of ${pid} still moving after ${timeoutMs / 1000} s; taking the last reading`);
      resolve(recent.at(-1)!);
    }, everyMs);
  });
}

/** utime + stime of a process in ms, from /proc (Linux; 100 ticks a second). */
export function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? NaN;
}

export const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
