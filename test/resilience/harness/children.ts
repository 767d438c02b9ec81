import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built child-process entry points (`src/*-main.ts` → `dist/`; vitest's global setup builds them when stale). */
export const childScript = (name: "fleet-main" | "probe-main") => fileURLToPath(new URL(`../dist/${name}.js`, import.meta.url));

/** `Omit` that keeps a union a union: each request type without its id. */
export type WithoutId<T> = T extends unknown ? Omit<T, "id"> : never;

export interface IpcChild<Req extends { id: number; op: string }> {
  process: ChildProcess;
  /** Sends one request and resolves with the child's answer (rejects with its error text). */
  request<R>(message: WithoutId<Req>, timeoutMs?: number): Promise<R>;
  /** Ends the child: disconnect (it stops its work and exits), then SIGKILL if it lingers. */
  close(): Promise<void>;
  stderr(): string;
}

/**
 * Forks `node dist/<name>.js` with an IPC channel. Requests carry an id; the child answers
 * `{id, ok, result | error}`. A child that exits fails every pending request at once.
 */
export function forkChild<Req extends { id: number; op: string }>(name: "fleet-main" | "probe-main", args: string[] = []): IpcChild<Req> {
  // execArgv: [] — not the test worker's own flags (vitest's loaders and conditions): the child is plain Node.
  const child = fork(childScript(name), args, { stdio: ["ignore", "ignore", "pipe", "ipc"], serialization: "advanced", execArgv: [] });
  let err = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (err = (err + d).slice(-20_000)));
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  let nextId = 1;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.on("message", (msg: { id: number; ok: boolean; result?: unknown; error?: string }) => {
    const entry = pending.get(msg.id);
    if (!entry) return;
    pending.delete(msg.id);
    clearTimeout(entry.timer);
    if (msg.ok) entry.resolve(msg.result);
    else entry.reject(new Error(`${name}: ${msg.error}`));
  });
  child.once("exit", (code, signal) => {
    for (const entry of pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(new Error(`${name} exited (${code ?? signal}) with a request pending: ${err.slice(-2000)}`));
    }
    pending.clear();
  });
  return {
    process: child,
    stderr: () => err,
    request<R>(message: WithoutId<Req>, timeoutMs = 120_000): Promise<R> {
      const id = nextId++;
      return new Promise<R>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new Error(`${name} did not answer ${message.op} within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
        child.send({ ...message, id });
      });
    },
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      if (child.connected) child.disconnect();
      await exited;
      clearTimeout(timer);
    },
  };
}
