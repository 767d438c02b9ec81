// One fleet process of the scale suite (`scale.ts` starts several, so that the agents and the
// bare clients, not the hub, are never what runs out of CPU). It holds a share of REAL agents
// (`pairAgent` + `createAgent` from @canopy/agent, the real WebSocket to the real hub) and, for
// the baseline, as many bare `ws` clients of `fanout-server.ts`. Driven over IPC: each request
// `{id, cmd, ...}` gets one answer `{id, ok, result | error}` (see fleet-pool.ts).
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { createAgent, pairAgent, type Agent } from "@canopy/agent";
import WebSocket from "ws";
import { signIn } from "../bench-hub.js";
import { cpuMsOf, rssOf } from "../processes.js";
import type { FleetCommand } from "./fleet-protocol.js";

interface Member {
  index: number;
  tenantId: string;
  dataDir: string;
  agent: Agent;
}

const members: Member[] = [];
let agentOptions = { reconnectMaxMs: undefined as number | undefined };
/** Agents that have come online since the last `mark-online` (each counted once), and when (ms after it). */
const cameOnline = new Map<Agent, number>();
let markedAt = 0;
/** Since `mark-online`: the connections that ended or failed, by close code, and the delays the agents chose. */
let closesByCode: Record<string, number> = {};
let retryDelays: number[] = [];
let gaveUp = 0;
const bare = new Map<number, WebSocket>();
/**
 * Bumped whenever redialling starts or stops: a redial scheduled in an earlier generation does
 * nothing. Without it a redial timer still pending after `bare-close` dialled the server while it
 * stopped, and that connection kept it from exiting.
 */
let bareGeneration = 0;
let bareReconnect = false;

/**
 * The agent the suite runs: the real runtime, without what a bench agent does not need — no
 * ingest endpoint (the default), no demo insights, no periodic drift scan (10,000 agents each
 * re-hashing their files every 10 s would be the agents' own load, not the hub's).
 */
function makeAgent(dataDir: string): Agent {
  const agent = createAgent({ dataDir, driftScanMs: 0, ...(agentOptions.reconnectMaxMs ? { reconnectMaxMs: agentOptions.reconnectMaxMs } : {}) });
  agent.on("online", () => {
    if (!cameOnline.has(agent)) cameOnline.set(agent, performance.now() - markedAt);
  });
  agent.on("offline", ({ code, retryInMs }) => {
    closesByCode[code] = (closesByCode[code] ?? 0) + 1;
    retryDelays.push(retryInMs);
  });
  agent.on("stopped", ({ reason }) => {
    if (reason !== "requested") gaveUp++;
  });
  return agent;
}

/** `count` at a time from `items`, in order; resolves when all are done. */
async function inPool<T>(items: T[], concurrency: number, one: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await one(items[next++]!);
    }),
  );
}

function waitUntil(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = performance.now() + timeoutMs;
    const check = () => {
      if (done()) return resolve();
      if (performance.now() > deadline) return reject(new Error(`${what}: not within ${timeoutMs / 1000} s`));
      setTimeout(check, 20);
    };
    check();
  });
}

async function pair(command: Extract<FleetCommand, { cmd: "pair" }>): Promise<unknown> {
  agentOptions = { reconnectMaxMs: command.reconnectMaxMs };
  const api = await signIn(command.hubUrl);
  const indexes = Array.from({ length: command.count }, (_, k) => command.from + k);
  await inPool(indexes, command.concurrency, async (index) => {
    const tenant = await api<{ id: string }>("POST", "/tenants", { name: `Scale tenant ${String(index).padStart(6, "0")}` });
    const { code } = await api<{ code: string }>("POST", `/tenants/${tenant.id}/pairing-codes`, {});
    const dataDir = join(command.dir, `agent-${index}`);
    await pairAgent({ hubUrl: command.hubUrl, code, dataDir });
    const agent = makeAgent(dataDir);
    await agent.start();
    await agent.waitFor("online", command.timeoutMs);
    members.push({ index, tenantId: tenant.id, dataDir, agent });
    // The pool adds these up to time pairing windows across all fleets.
    process.send!({ type: "paired" });
  });
  members.sort((a, b) => a.index - b.index);
  return { tenants: members.map((m) => ({ index: m.index, tenantId: m.tenantId })) };
}

/**
 * Hashes of applied content as the agent recorded them on disk, written before the ack: its
 * manifest segments `state/content.<n>.json` (`content.json` as older agents wrote it).
 */
async function heldHashes(dataDir: string): Promise<Record<string, string>> {
  const state = join(dataDir, "state");
  const names = (await readdir(state).catch(() => [] as string[])).filter((name) => /^content(\.\d+)?\.json$/.test(name));
  const held: Record<string, string> = {};
  for (const name of names) {
    const docs = (JSON.parse(await readFile(join(state, name), "utf8")) as { docs?: Record<string, { hash: string }> }).docs ?? {};
    for (const [key, doc] of Object.entries(docs)) held[key] = doc.hash;
  }
  return held;
}

async function verifyHashes(command: Extract<FleetCommand, { cmd: "verify-hashes" }>): Promise<unknown> {
  const targets = new Set(command.tenantIds);
  let agents = 0;
  let matched = 0;
  let missing = 0;
  let wrong = 0;
  await inPool(members.filter((m) => targets.has(m.tenantId)), 8, async (member) => {
    agents++;
    const held = await heldHashes(member.dataDir);
    for (const [key, hash] of Object.entries(command.expected)) {
      if (held[key] === undefined) missing++;
      else if (held[key] === hash) matched++;
      else wrong++;
    }
  });
  return { agents, matched, missing, wrong };
}

/**
 * One bare client `index`. Resolves once open, rejects if it cannot connect. While `bareReconnect`
 * holds, a connection that ends (or never opened) is dialled again — once, from its `close`,
 * which `ws` emits after every `error` too — `delayMs` doubling to 2 s while it fails.
 */
function bareConnect(url: string, index: number, delayMs = 250): Promise<void> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace("http", "ws")}/?i=${index}`, { handshakeTimeout: 10_000 });
    let opened = false;
    // Every frame gets a small answer: the ack of a fan-out, the pong of a ping.
    ws.on("message", () => ws.send("a"));
    ws.once("open", () => {
      opened = true;
      bare.set(index, ws);
      resolve();
    });
    ws.once("error", reject);
    ws.once("close", () => {
      if (bare.get(index) === ws) bare.delete(index);
      if (bareReconnect) redial(url, index, opened ? 250 : Math.min(delayMs * 2, 2000));
    });
  });
}

/** After a lost connection: back after a jittered delay (the agent's pattern, short). */
function redial(url: string, index: number, delayMs: number): void {
  const generation = bareGeneration;
  setTimeout(() => {
    if (generation === bareGeneration && bareReconnect) bareConnect(url, index, delayMs).catch(() => {});
  }, Math.random() * delayMs);
}

function bareRedialling(on: boolean): void {
  bareGeneration++;
  bareReconnect = on;
}

async function barePairPattern(url: string, count: number, concurrency: number): Promise<unknown> {
  const indexes = Array.from({ length: count }, (_, k) => k);
  await inPool(indexes, concurrency, async () => {
    await (await fetch(url, { method: "POST", body: "{}" })).text();
    await (await fetch(url, { method: "POST", body: "{}" })).text();
    await new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(url.replace("http", "ws"));
      ws.once("open", () => ws.send("hello"));
      ws.once("message", () => {
        ws.close();
        resolve();
      });
      ws.once("error", reject);
    });
  });
  return { count };
}

async function handle(command: FleetCommand): Promise<unknown> {
  switch (command.cmd) {
    case "pair":
      return pair(command);
    case "mark-online":
      cameOnline.clear();
      markedAt = performance.now();
      closesByCode = {};
      retryDelays = [];
      gaveUp = 0;
      return {};
    case "await-online":
      // Every agent back (one that came online twice counts once) and online now, or one gave up.
      await waitUntil(`${members.length} agents online again`, () => (cameOnline.size >= members.length && members.every((m) => m.agent.state === "online")) || gaveUp > 0, command.timeoutMs);
      return { online: members.filter((m) => m.agent.state === "online").length, gaveUp, backAtMs: [...cameOnline.values()], closesByCode, retryDelays };
    case "verify-hashes":
      return verifyHashes(command);
    case "leave":
      await Promise.all(members.map((m) => m.agent.stop()));
      return {};
    case "rejoin":
      for (const member of members) member.agent = makeAgent(member.dataDir);
      await inPool(members, 50, (m) => m.agent.start());
      await waitUntil("agents online", () => members.every((m) => m.agent.state === "online") || gaveUp > 0, command.timeoutMs);
      return { online: members.filter((m) => m.agent.state === "online").length, gaveUp };
    case "bare-connect":
      bareRedialling(false);
      await inPool(Array.from({ length: command.count }, (_, k) => command.from + k), 100, (i) => bareConnect(command.url, i));
      bareRedialling(true);
      return { open: bare.size };
    case "bare-await-open":
      await waitUntil(`${command.count} bare clients open`, () => bare.size >= command.count, command.timeoutMs);
      return { open: bare.size };
    case "bare-close":
      bareRedialling(false);
      for (const ws of bare.values()) ws.terminate();
      bare.clear();
      return {};
    case "bare-pair-pattern":
      return barePairPattern(command.url, command.count, command.concurrency);
    case "usage":
      (globalThis as { gc?: () => void }).gc?.();
      return { rss: rssOf(process.pid), heapUsed: process.memoryUsage().heapUsed, cpuMs: cpuMsOf(process.pid), agents: members.length, bare: bare.size };
    case "exit":
      bareRedialling(false);
      for (const ws of bare.values()) ws.terminate();
      await Promise.all(members.map((m) => m.agent.stop()));
      process.send!({ id: command.id, ok: true, result: {} }, () => process.exit(0));
      return undefined;
  }
}

process.on("message", (message: FleetCommand) => {
  handle(message).then(
    (result) => result !== undefined && process.send!({ id: message.id, ok: true, result }),
    (error: unknown) => process.send!({ id: message.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) }),
  );
});
// The parent going away ends the fleet: nothing is left running.
process.on("disconnect", () => process.exit(0));
process.send!({ type: "ready" });
