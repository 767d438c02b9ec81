import { spawn, type ChildProcess } from "node:child_process";

/** A child process spoken to over IPC: `ask` sends a message and waits for the answer of `type`. */
export class IpcChild {
  constructor(readonly process: ChildProcess) {}

  static spawn(file: string, args: string[], env: NodeJS.ProcessEnv = {}): IpcChild {
    return new IpcChild(spawn(process.execPath, [file, ...args], { stdio: ["ignore", "inherit", "inherit", "ipc"], env: { ...process.env, CANOPY_LOG_LEVEL: "silent", ...env } }));
  }

  next<T>(type: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const onMessage = (message: { type?: string }) => {
        if (message?.type !== type) return;
        this.process.off("message", onMessage);
        this.process.off("exit", onExit);
        resolve(message as T);
      };
      const onExit = (code: number | null) => reject(new Error(`child exited (${code}) while waiting for ${type}`));
      this.process.on("message", onMessage);
      this.process.once("exit", onExit);
    });
  }

  ask<T>(message: string, type: string): Promise<T> {
    const answer = this.next<T>(type);
    this.process.send(message);
    return answer;
  }

  async end(): Promise<void> {
    if (this.process.exitCode !== null) return;
    const exited = new Promise((resolve) => this.process.once("exit", resolve));
    this.process.send("exit");
    await exited;
  }
}
