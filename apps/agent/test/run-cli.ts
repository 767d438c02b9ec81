import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../bin/canopy-agent", import.meta.url));
export const DIST_INDEX = fileURLToPath(new URL("../dist/index.js", import.meta.url));

if (!existsSync(fileURLToPath(new URL("../dist/cli/cli.js", import.meta.url)))) {
  throw new Error("apps/agent is not built: run `pnpm --filter @canopy/agent... build` before its tests");
}

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves once stdout contains `text` (`times` times). */
  waitForOutput(text: string, timeoutMs?: number, times?: number): Promise<void>;
  finished: Promise<Finished>;
}

/** Starts `node <args>` with a quiet log level unless the test sets one. */
export function startNode(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, args, {
    env: { ...process.env, CANOPY_LOG_LEVEL: "silent", CANOPY_DATA_DIR: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const watchers = new Set<() => void>();
  child.stdout!.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const watcher of watchers) watcher();
  });
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const finished = new Promise<Finished>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    finished,
    waitForOutput(text, timeoutMs = 20_000, times = 1) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (stdout.split(text).length - 1 < times) return;
          clearTimeout(timer);
          watchers.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`no "${text}" (${times}×) on stdout within ${timeoutMs} ms; stdout: ${stdout} stderr: ${stderr}`));
        }, timeoutMs);
        watchers.add(check);
        check();
      });
    },
  };
}

/** Runs `canopy-agent <args>` to completion (killed after `timeoutMs`). */
export async function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 25_000): Promise<Finished> {
  const running = startNode([BIN, ...args], env);
  const timer = setTimeout(() => running.child.kill("SIGKILL"), timeoutMs);
  const result = await running.finished;
  clearTimeout(timer);
  return result;
}
