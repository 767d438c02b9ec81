import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { cpuMsOf } from "../processes.js";
import type { FleetRequest, FleetUsage, HashCheck, PairedTenant } from "./fleet-protocol.js";

// Always the built file (also when this module runs from src/, as in the smoke test under vitest).
const FLEET_SCRIPT = fileURLToPath(new URL("../../dist/scale/fleet.js", import.meta.url));

interface Answer {
  id?: number;
  ok?: boolean;
  result?: unknown;
  error?: string;
  type?: string;
}

/** One fleet process and its pending requests. */
class Fleet {
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #nextId = 1;
  constructor(
    readonly child: ChildProcess,
    onPaired: () => void,
  ) {
    child.on("message", (message: Answer) => {
      if (message.type === "paired") return onPaired();
      if (message.id === undefined) return;
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.ok) pending?.resolve(message.result);
      else pending?.reject(new Error(`fleet ${child.pid}: ${message.error}`));
    });
    child.once("exit", (code) => {
      for (const pending of this.#pending.values()) pending.reject(new Error(`fleet ${child.pid} exited (${code})`));
      this.#pending.clear();
    });
  }

  ask<R>(request: FleetRequest): Promise<R> {
    const id = this.#nextId++;
    return new Promise<R>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ ...request, id });
    });
  }
}

/**
 * The fleet processes of one run, each with its share (by index) of the agents and bare clients.
 * `paired` counts pairings across all of them as they happen (for pairing windows).
 */
export class FleetPool {
  paired = 0;
  readonly #listeners = new Set<() => void>();
  private constructor(readonly fleets: Fleet[]) {}

  static async start(count: number): Promise<FleetPool> {
    const pool: FleetPool = new FleetPool([]);
    const ready = Array.from({ length: count }, () => {
      const child = fork(FLEET_SCRIPT, [], { execArgv: ["--expose-gc"], env: { ...process.env, CANOPY_LOG_LEVEL: "silent" }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
      pool.fleets.push(
        new Fleet(child, () => {
          pool.paired++;
          for (const listener of pool.#listeners) listener();
        }),
      );
      return new Promise<void>((resolve, reject) => {
        child.once("message", () => resolve());
        child.once("exit", (code) => reject(new Error(`fleet exited (${code}) before it was ready`)));
      });
    });
    await Promise.all(ready);
    return pool;
  }

  /** Called on every pairing (any fleet); returns the unsubscribe. */
  onPaired(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** `total` split into contiguous shares, one per fleet. */
  shares(total: number): { from: number; count: number }[] {
    const size = Math.ceil(total / this.fleets.length);
    return this.fleets.map((_, k) => ({ from: k * size, count: Math.max(0, Math.min(size, total - k * size)) }));
  }

  /** The same request to every fleet (or one made per fleet from its share). */
  all<R>(request: FleetRequest | ((fleet: number) => FleetRequest)): Promise<R[]> {
    return Promise.all(this.fleets.map((fleet, k) => fleet.ask<R>(typeof request === "function" ? request(k) : request)));
  }

  async pair(options: { hubUrl: string; dir: string; total: number; concurrency: number; timeoutMs: number; reconnectMaxMs?: number | undefined }): Promise<PairedTenant[]> {
    const shares = this.shares(options.total);
    const perFleet = Math.max(1, Math.ceil(options.concurrency / this.fleets.length));
    const answers = await this.all<{ tenants: PairedTenant[] }>((k) => ({
      cmd: "pair",
      hubUrl: options.hubUrl,
      dir: options.dir,
      ...shares[k]!,
      concurrency: perFleet,
      timeoutMs: options.timeoutMs,
      reconnectMaxMs: options.reconnectMaxMs,
    }));
    return answers.flatMap((a) => a.tenants).sort((a, b) => a.index - b.index);
  }

  async verifyHashes(tenantIds: string[], expected: Record<string, string>): Promise<HashCheck> {
    const checks = await this.all<HashCheck>({ cmd: "verify-hashes", tenantIds, expected });
    return checks.reduce((a, b) => ({ agents: a.agents + b.agents, matched: a.matched + b.matched, missing: a.missing + b.missing, wrong: a.wrong + b.wrong }));
  }

  /** CPU milliseconds (user + system) the fleet processes have used so far, read from /proc. */
  cpuMs(): number {
    return this.fleets.reduce((sum, fleet) => sum + (fleet.child.exitCode === null ? cpuMsOf(fleet.child.pid!) : 0), 0);
  }

  async usage(): Promise<FleetUsage[]> {
    return this.all<FleetUsage>({ cmd: "usage" });
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.fleets.map(async (fleet) => {
        if (fleet.child.exitCode !== null || fleet.child.signalCode !== null) return;
        const exited = new Promise((resolve) => fleet.child.once("exit", resolve));
        await fleet.ask({ cmd: "exit" }).catch(() => fleet.child.kill("SIGKILL"));
        await exited;
      }),
    );
  }
}
