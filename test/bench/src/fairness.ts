// `npm run bench -- fairness`: one tenant must never hurt another. A hub process, a healthy
// tenant pinged through the API every ~50 ms (its own process: `pinger.ts`), and in turn
//   idle      nothing else (the reference)
//   unknown   an authenticated agent flooding frames of an unknown type
//   insights  an authenticated agent flooding `insights.upsert` frames of one insight each
//   garbage   a socket that never says hello, flooding frames that are not protocol
//   push      a push of N Sigma rules (../shared/data) to M tenants with real agents
// Attackers run in their own process (`flood.ts`) and reconnect at once after every close.
// For each phase: the healthy ping p50/p99/max, the hub's own event-loop delay (`--import
// event-loop-probe.js`), the bytes the hub logged, and the attacker's counts. The same phases
// against the bare-ws echo server (baseline-server.ts) show what the machine itself adds.
// Prints figures and ratios; asserts nothing.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createAgent, pairAgent } from "@canopy/agent";
import { AGENT_PAIR_PATH, generateKeyPair } from "@canopy/protocol";
import { sigmaFiles } from "@canopy/shared-data";
import WebSocket from "ws";
import { signIn, startBenchHub, type HubApi } from "./bench-hub.js";
import type { EventLoopDelay } from "./event-loop-probe.js";
import type { PingSamples } from "./pinger.js";
import { percentile, startServer, type Server } from "./processes.js";

export interface FairnessOptions {
  /** How long each phase floods (the push phase lasts until the push is done, at least this). */
  phaseMs: number;
  /** Tenants (with real agents) the push goes to. */
  tenants: number;
  rules: number;
  /** Which phases to run (default all). */
  phases?: Phase[];
  /** Writes the hub's CPU profile (`node --cpu-prof`) into this folder when it stops. */
  cpuProfDir?: string;
}

export const DEFAULT_FAIRNESS_BENCH: FairnessOptions = { phaseMs: 8000, tenants: 60, rules: 500 };

const script = (name: string) => fileURLToPath(new URL(`./${name}.js`, import.meta.url));
const probe = script("event-loop-probe");
export const PHASES = ["idle", "unknown", "insights", "garbage", "push"] as const;
export type Phase = (typeof PHASES)[number];
type Side = "hub" | "baseline";

interface FloodReport {
  sent: number;
  closes: Record<string, number>;
}

interface PhaseFigures {
  pings: PingSamples;
  eventLoop: EventLoopDelay;
  logBytes: number;
  flood?: FloodReport;
  note?: string;
}

/** A child process spoken to over IPC: `ask` sends a message and waits for the answer of `type`. */
class Child {
  constructor(readonly process: ChildProcess) {}

  static spawn(file: string, args: string[], env: NodeJS.ProcessEnv = {}): Child {
    return new Child(spawn(process.execPath, [file, ...args], { stdio: ["ignore", "inherit", "inherit", "ipc"], env: { ...process.env, CANOPY_LOG_LEVEL: "silent", ...env } }));
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

/** The measured server (hub or bare ws) with its probe, its log counter and its pinger. */
interface Target {
  side: Side;
  server: Server;
  pinger: Child;
  logBytes: { count: number };
  /** Starts a phase's load; resolves the function that stops it. */
  load(phase: Phase): Promise<() => Promise<Pick<PhaseFigures, "flood" | "note">>>;
  close(): Promise<void>;
}

const eventLoopOf = (server: Server) => new Child(server.child).ask<EventLoopDelay>("event-loop-delay", "event-loop-delay");

/** Starts an attacker process; resolves once it floods (a process takes a while to start on a busy machine). */
async function startFlood(mode: "unknown" | "insights" | "garbage", url: string, side: Side, credentials?: object): Promise<() => Promise<{ flood: FloodReport }>> {
  const flood = Child.spawn(script("flood"), [mode, url, side], credentials ? { FLOOD_CREDENTIALS: JSON.stringify(credentials) } : {});
  await flood.next("flooding");
  return async () => ({ flood: await flood.ask<FloodReport>("stop", "flood") });
}

async function runPhase(target: Target, phase: Phase, options: FairnessOptions): Promise<PhaseFigures> {
  await eventLoopOf(target.server); // resets the histogram
  target.logBytes.count = 0;
  const stopLoad = await target.load(phase);
  const pings = target.pinger.next<PingSamples>("pings");
  target.pinger.process.send("start");
  await new Promise((resolve) => setTimeout(resolve, options.phaseMs));
  const extra = await stopLoad();
  target.pinger.process.send("stop");
  const figures = { pings: await pings, eventLoop: await eventLoopOf(target.server), logBytes: target.logBytes.count, ...extra };
  await calm(target.server);
  return figures;
}

/** Waits until the server has worked off what a phase left (queued frames, a push finishing), so phases do not bleed into each other. */
async function calm(server: Server): Promise<void> {
  const deadline = performance.now() + 120_000;
  while (performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if ((await eventLoopOf(server)).max < 50) return;
  }
  console.log("(the server was still busy 120 s after the phase)");
}

async function pairPinger(api: HubApi, url: string, dir: string): Promise<Child> {
  const tenant = await api<{ id: string }>("POST", "/tenants", { name: "Healthy tenant" });
  const { code } = await api<{ code: string }>("POST", `/tenants/${tenant.id}/pairing-codes`, {});
  const dataDir = join(dir, "healthy-agent");
  await pairAgent({ hubUrl: url, code, dataDir });
  const pinger = Child.spawn(script("pinger"), ["hub", url, tenant.id, dataDir]);
  await pinger.next("ready");
  return pinger;
}

/** A paired agent's credentials, made through the pairing API with a fresh key (the attacker holds a real pairing). */
async function pairRaw(api: HubApi, url: string, name: string): Promise<{ agentId: string; privateKeyPem: string }> {
  const tenant = await api<{ id: string }>("POST", "/tenants", { name });
  const { code } = await api<{ code: string }>("POST", `/tenants/${tenant.id}/pairing-codes`, {});
  const keys = generateKeyPair();
  const res = await fetch(new URL(AGENT_PAIR_PATH, url), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code, publicKey: keys.publicKey, hostname: "flood", agentVersion: "0.0.0-flood", platform: "linux" }),
  });
  if (res.status !== 201) throw new Error(`pairing ${name}: ${res.status} ${await res.text()}`);
  const { agentId } = (await res.json()) as { agentId: string };
  return { agentId, privateKeyPem: keys.privateKeyPem };
}

async function hubTarget(options: FairnessOptions): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), "canopy-bench-fairness-"));
  const logBytes = { count: 0 };
  const profile = options.cpuProfDir ? ["--cpu-prof", "--cpu-prof-dir", options.cpuProfDir] : [];
  const server = await startBenchHub(dir, 0, { nodeArgs: ["--import", probe, ...profile], ipc: true, stderrBytes: logBytes });
  const api = await signIn(server.url);
  const pinger = await pairPinger(api, server.url, dir);
  const attackers = {
    unknown: await pairRaw(api, server.url, "Flooding unknown frames"),
    insights: await pairRaw(api, server.url, "Flooding insights"),
  };
  const fleet: ReturnType<typeof createAgent>[] = [];

  async function preparePush(): Promise<{ id: string }[]> {
    const imported = await api<{ created: { id: string }[]; updated: { id: string }[] }>("POST", "/content/import", { files: sigmaFiles(Math.ceil(options.rules * 1.2)) });
    const rules = [...imported.created, ...imported.updated].slice(0, options.rules);
    for (let start = 0; start < options.tenants; start += 20) {
      await Promise.all(
        Array.from({ length: Math.min(20, options.tenants - start) }, async (_, k) => {
          const i = start + k;
          const tenant = await api<{ id: string }>("POST", "/tenants", { name: `Push target ${i}`, tags: ["push-target"] });
          const { code } = await api<{ code: string }>("POST", `/tenants/${tenant.id}/pairing-codes`, {});
          const dataDir = join(dir, `agent-${i}`);
          await pairAgent({ hubUrl: server.url, code, dataDir });
          const agent = createAgent({ dataDir, reconnectMaxMs: 2000 });
          await agent.start();
          await agent.waitFor("online", 60_000);
          fleet.push(agent);
        }),
      );
    }
    return rules;
  }

  return {
    side: "hub",
    server,
    pinger,
    logBytes,
    async load(phase) {
      if (phase === "idle") return async () => ({});
      if (phase === "unknown" || phase === "insights") return startFlood(phase, server.url, "hub", attackers[phase]);
      if (phase === "garbage") return startFlood("garbage", server.url, "hub");
      const rules = await preparePush();
      logBytes.count = 0;
      await eventLoopOf(server);
      // The pings run for a moment before the push starts, so its start is inside the samples.
      const started = new Promise((resolve) => setTimeout(resolve, 1000)).then(async () => {
        const t0 = performance.now();
        const { id } = await api<{ id: string }>("POST", "/pushes", { items: rules.map((r) => ({ kind: "siem-rules", id: r.id })), targets: { tags: ["push-target"] } });
        const accepted = performance.now() - t0;
        for (;;) {
          const list = await api<{ items: { id: string; state: string; progress: { applied: number; total: number } }[] }>("GET", "/pushes?limit=5");
          const push = list.items.find((p) => p.id === id);
          if (push && push.state !== "running") return { accepted, done: performance.now() - t0, push };
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      });
      return async () => {
        const { accepted, done, push } = await started;
        return { note: `${rules.length} rules → ${options.tenants} tenants: 202 after ${accepted.toFixed(0)} ms, ${push.state} after ${done.toFixed(0)} ms (${push.progress.applied}/${push.progress.total} applied)` };
      };
    },
    async close() {
      await pinger.end();
      await Promise.all(fleet.map((agent) => agent.stop()));
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function baselineTarget(options: FairnessOptions): Promise<Target> {
  const logBytes = { count: 0 };
  const server = await startServer(script("baseline-server"), [], { nodeArgs: ["--import", probe], ipc: true, stderrBytes: logBytes });
  const pinger = Child.spawn(script("pinger"), ["baseline", server.url]);
  await pinger.next("ready");
  return {
    side: "baseline",
    server,
    pinger,
    logBytes,
    async load(phase) {
      if (phase === "idle") return async () => ({});
      if (phase !== "push") return startFlood(phase, server.url, "baseline");
      // The push's bytes, echoed once per tenant: what the same payload costs a bare ws server.
      const payload = JSON.stringify(sigmaFiles(options.rules).map((f) => f.text));
      const clients = await Promise.all(
        Array.from({ length: options.tenants }, () => new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(server.url.replace("http", "ws"), { maxPayload: 64 * 1024 * 1024 });
          ws.once("open", () => resolve(ws));
          ws.once("error", reject);
        })),
      );
      const started = new Promise((resolve) => setTimeout(resolve, 1000)).then(() =>
        Promise.all(clients.map((ws) => new Promise<void>((resolve) => {
          ws.once("message", () => resolve());
          ws.send(payload);
        }))),
      );
      return async () => {
        await started;
        for (const ws of clients) ws.terminate();
        return {};
      };
    },
    async close() {
      await pinger.end();
      await server.stop();
    },
  };
}

async function measure(target: Target, options: FairnessOptions): Promise<Map<Phase, PhaseFigures>> {
  const figures = new Map<Phase, PhaseFigures>();
  try {
    for (const phase of options.phases ?? PHASES) figures.set(phase, await runPhase(target, phase, options));
  } finally {
    await target.close();
  }
  return figures;
}

const ms = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
const pings = (f: PhaseFigures) => `${ms(percentile(f.pings.latencies, 50))} / ${ms(percentile(f.pings.latencies, 99))} / ${ms(Math.max(...f.pings.latencies))}`;
const closes = (flood: FloodReport | undefined) =>
  flood ? `${flood.sent} sent, closes ${Object.entries(flood.closes).map(([code, n]) => `${code}×${n}`).join(" ") || "none"}` : "";

export async function fairnessBench(options: FairnessOptions): Promise<void> {
  const baseline = await measure(await baselineTarget(options), options);
  const hub = await measure(await hubTarget(options), options);

  console.log(`\nCanopy fairness benchmark: phases of ${options.phaseMs} ms, healthy tenant pinged every 50 ms (node ${process.version})\n`);
  const rows = [["phase", "hub: API ping p50 / p99 / max", "bare ws: ping p50 / p99 / max", "p99 ratio", "hub event loop p99 / max", "bare ws event loop p99 / max", "hub log", "pings (failed)"]];
  const phases = options.phases ?? PHASES;
  for (const phase of phases) {
    const h = hub.get(phase)!;
    const b = baseline.get(phase)!;
    rows.push([
      phase,
      `${pings(h)} ms`,
      `${pings(b)} ms`,
      (percentile(h.pings.latencies, 99) / percentile(b.pings.latencies, 99)).toFixed(1),
      `${ms(h.eventLoop.p99)} / ${ms(h.eventLoop.max)} ms`,
      `${ms(b.eventLoop.p99)} / ${ms(b.eventLoop.max)} ms`,
      `${(h.logBytes / 1024).toFixed(0)} KiB`,
      `${h.pings.latencies.length} (${h.pings.failures})`,
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
  console.log("");
  for (const phase of phases) {
    const h = hub.get(phase)!;
    const detail = [closes(h.flood), h.note, h.pings.linkRtts.length ? `link RTT p99 ${ms(percentile(h.pings.linkRtts, 99))} ms` : ""].filter(Boolean).join("; ");
    if (phase !== "idle") console.log(`${phase}: ${detail}; bare ws: ${closes(baseline.get(phase)!.flood) || "-"}`);
  }
  console.log("(event-loop delay: lateness beyond the probe's 5 ms sampling interval, in the server process itself)");
}
