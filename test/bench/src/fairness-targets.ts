import { setTimeout as after } from "node:timers/promises";
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
import { IpcChild } from "./ipc-child.js";
import { startServer, type Server } from "./processes.js";

/** Pings taken before a push starts, so the push's start is seen against them. */
const PUSH_LEAD_IN_MS = 1000;

type FinishedPush = { id: string; state: string; progress: { applied: number; total: number } };

/** The fairness bench's servers under load: the hub with its tenants and attackers, or the bare-ws echo with the same attackers. */

export type Phase = "idle" | "unknown" | "insights" | "garbage" | "push";
export type Side = "hub" | "baseline";

export interface TargetOptions {
  tenants: number;
  rules: number;
  cpuProfDir?: string | undefined;
}

export interface FloodReport {
  sent: number;
  closes: Record<string, number>;
}

/** What a phase's load adds to the figures. */
export interface LoadReport {
  flood?: FloodReport;
  note?: string;
}

export const script = (name: string) => fileURLToPath(new URL(`./${name}.js`, import.meta.url));
const probe = script("event-loop-probe");

export const eventLoopOf = (server: Server) => new IpcChild(server.child).ask<EventLoopDelay>("event-loop-delay", "event-loop-delay");

/** The measured server (hub or bare ws) with its probe, its log counter and its pinger. */
export interface Target {
  side: Side;
  server: Server;
  pinger: IpcChild;
  logBytes: { count: number };
  /** Starts a phase's load; resolves the function that stops it. */
  load(phase: Phase): Promise<() => Promise<LoadReport>>;
  close(): Promise<void>;
}

/** Starts an attacker process; resolves once it floods (a process takes a while to start on a busy machine). */
async function startFlood(mode: "unknown" | "insights" | "garbage", url: string, side: Side, credentials?: object): Promise<() => Promise<{ flood: FloodReport }>> {
  const flood = IpcChild.spawn(script("flood"), [mode, url, side], credentials ? { FLOOD_CREDENTIALS: JSON.stringify(credentials) } : {});
  await flood.next("flooding");
  return async () => ({ flood: await flood.ask<FloodReport>("stop", "flood") });
}

async function pairPinger(api: HubApi, url: string, dir: string): Promise<IpcChild> {
  const tenant = await api<{ id: string }>("POST", "/tenants", { name: "Healthy tenant" });
  const { code } = await api<{ code: string }>("POST", `/tenants/${tenant.id}/pairing-codes`, {});
  const dataDir = join(dir, "healthy-agent");
  await pairAgent({ hubUrl: url, code, dataDir });
  const pinger = IpcChild.spawn(script("pinger"), ["hub", url, tenant.id, dataDir]);
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

export async function hubTarget(options: TargetOptions): Promise<Target> {
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
      // The push starts a second into the phase, by design: the pings before it are the
      // reference its own start is seen against.
      const started = after(PUSH_LEAD_IN_MS).then(async () => {
        // The live feed's `push.progress` says when it is done (open before the push, so even an
        // instant push is seen finishing).
        const feed = await api.liveFeed();
        try {
          const from = feed.position;
          const t0 = performance.now();
          const { id } = await api<{ id: string }>("POST", "/pushes", { items: rules.map((r) => ({ kind: "siem-rules", id: r.id })), targets: { tags: ["push-target"] } });
          const accepted = performance.now() - t0;
          const push = await feed.waitFor(
            `push ${id} to finish`,
            ({ event, data }) => (event === "push.progress" && data.id === id && data.state !== "running" ? (data as unknown as FinishedPush) : undefined),
            { from, timeoutMs: 600_000 },
          );
          return { accepted, done: performance.now() - t0, push };
        } finally {
          await feed.close();
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

export async function baselineTarget(options: TargetOptions): Promise<Target> {
  const logBytes = { count: 0 };
  const server = await startServer(script("baseline-server"), [], { nodeArgs: ["--import", probe], ipc: true, stderrBytes: logBytes });
  const pinger = IpcChild.spawn(script("pinger"), ["baseline", server.url]);
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
      const started = after(PUSH_LEAD_IN_MS).then(() =>
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
