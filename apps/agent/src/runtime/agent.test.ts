import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { generateKeyPair, Insight, loadPrivateKey, SystemInfo } from "@canopy/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FakeHub } from "../../test/fake-hub.js";
import { nextEvent, useFakeAgentTimers } from "../../test/fake-time.js";
import { seedPairedAgent, tempDataDir } from "../../test/seed.js";
import { createAgent } from "./agent.js";
import { AgentCliError } from "../core/errors.js";
import { storeInsight } from "../insights/insight-doc.js";
import { readAgentStatus } from "../cli/status.js";
import type { Agent, AgentEvents } from "../core/types.js";

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
const HELD_HASH = `sha256:${"a".repeat(64)}`;
/** Far beyond any reconnect delay of these agents (reconnectMaxMs 50): a retry would have dialled by then. */
const LONG_AFTER_ANY_RETRY_MS = 60_000;
/** runtime.json is written in the background, right after the state changes. */
const RUNTIME_WRITTEN = { timeout: 2000, message: "runtime.json to record the new state" };

describe("agent against a hub", () => {
  let hub: FakeHub;
  let dataDir: string;
  let cleanup: () => Promise<void>;
  let agent: Agent;
  let agentId: string;

  beforeEach(async () => {
    hub = new FakeHub();
    await hub.listen();
    ({ dir: dataDir, cleanup } = await tempDataDir());
    ({ agentId } = await seedPairedAgent(dataDir, hub, {
      content: [{ id: "playbook:Phishing", kind: "playbook", name: "Phishing", revision: 3, hash: HELD_HASH, pushId: null, appliedAt: "2030-01-01T00:00:00.000Z", drifted: false }],
      insights: [storeInsight(Insight.parse({ id: "in_1", title: "t", severity: "low", status: "new", createdAt: new Date(0), updatedAt: new Date(0), revision: 1 }))],
    }));
    agent = createAgent({ dataDir, reconnectMaxMs: 50 });
  });

  afterEach(async () => {
    vi.useRealTimers();
    await agent.stop();
    await hub.close();
    await cleanup();
  });

  async function online() {
    await agent.start();
    const connection = await hub.nextConnection();
    await agent.waitFor("online", 3000);
    return connection;
  }

  it("answers the challenge with a valid signature and goes online", async () => {
    const events: AgentEvents["online"][] = [];
    agent.on("online", (e) => events.push(e));
    const connection = await online();
    const hello = await connection.next("hello");
    expect(hello.agentId).toBe(agentId);
    expect(connection.agentId).toBe(agentId); // the fake hub verified the signature
    expect(hello.capabilities).toContain("rpc:system.info");
    expect(events).toEqual([expect.objectContaining({ hubUrl: hub.url, tenantName: "Acme", tenantId: "tn_tenant0001" })]);
    const readRuntime = async () => JSON.parse(await readFile(join(dataDir, "runtime.json"), "utf8"));
    await expect.poll(readRuntime, RUNTIME_WRITTEN).toEqual({ pid: process.pid, state: "online", since: expect.any(String), hubUrl: hub.url });
    const status = await readAgentStatus({ dataDir });
    expect(status).toMatchObject({ paired: true, connected: true, agentId, tenantName: "Acme", hubUrl: hub.url });
  });

  it("answers an app-level ping with a pong carrying the same id", async () => {
    const connection = await online();
    connection.send({ type: "ping", id: "ping-42", sentAt: Date.now() });
    expect(await connection.next("pong")).toEqual({ type: "pong", id: "ping-42" });
  });

  it("answers system.info with what it holds, read from its store", async () => {
    const connection = await online();
    connection.send({ type: "rpc.req", id: "r1", method: "system.info", params: {} });
    const response = await connection.next("rpc.res");
    expect(response.ok).toBe(true);
    const info = SystemInfo.parse(response.result);
    expect(info.pid).toBe(process.pid);
    expect(info.nodeVersion).toBe(process.version);
    expect(info.connectedSince).toBeInstanceOf(Date);
    expect(info.holds.content).toEqual([{ kind: "playbook", name: "Phishing", revision: 3, hash: HELD_HASH }]);
    expect(info.holds.insights.count).toBe(1);
  });

  it("answers an unknown rpc method with unknown_method and stays online", async () => {
    const connection = await online();
    connection.send({ type: "rpc.req", id: "r2", method: "shell.exec", params: { cmd: "rm -rf /" } });
    const response = await connection.next("rpc.res");
    expect(response).toMatchObject({ id: "r2", ok: false, error: { code: "unknown_method" } });
    expect(agent.state).toBe("online");
  });

  it("never acts on a frame whose signature does not verify, and says so", async () => {
    const connection = await online();
    const impostor = loadPrivateKey(generateKeyPair().privateKeyPem);
    connection.send({ type: "unpair", reason: "forged" }, connection.nonce, impostor);
    // Signed by the real hub, but for another connection (replay): also refused.
    connection.send({ type: "unpair", reason: "replayed" }, "another-nonce");
    connection.sendRaw("not even binary");
    // Frames are handled in order: once the pong is back, the three frames above were dealt with.
    connection.send({ type: "ping", id: "still-there", sentAt: 0 });
    await connection.next("pong");
    const codes = connection.received.flatMap((m) => (m.type === "error" ? [m.code] : []));
    expect(codes).toEqual(["bad_signature", "bad_signature", "bad_signature"]);
    expect(agent.state).toBe("online");
    expect((await readAgentStatus({ dataDir })).paired).toBe(true);
  });

  it("refuses messages out of handshake order", async () => {
    await agent.start();
    const connection = await hub.nextConnection();
    await agent.waitFor("online");
    connection.send({ type: "hello.challenge", nonce: "x".repeat(43), protocolVersion: 1, hubTime: 0 });
    const error = await connection.next("error");
    expect(error.code).toBe("unexpected_message");
    expect(connection.received.filter((m) => m.type === "hello")).toHaveLength(1);
  });

  it("wipes its credentials and key when the hub sends an unpair notice", async () => {
    const unpaired: AgentEvents["unpaired"][] = [];
    agent.on("unpaired", (e) => unpaired.push(e));
    const connection = await online();
    useFakeAgentTimers("timeout");
    connection.send({ type: "unpair", reason: "unpaired by staff" });
    await agent.waitFor("unpaired", 3000);
    expect(unpaired).toEqual([{ reason: "unpaired by staff" }]);
    expect(await exists(join(dataDir, "agent-key.pem"))).toBe(false);
    const status = await readAgentStatus({ dataDir });
    expect(status).toMatchObject({ paired: false, running: false, connected: false });
    // It does not come back (a retry would dial, and say "connecting", when its timer fires), and refuses to start again.
    vi.advanceTimersByTime(LONG_AFTER_ANY_RETRY_MS);
    expect(agent.state).toBe("unpaired");
    expect(hub.connections).toHaveLength(1);
    await expect(agent.start()).rejects.toMatchObject({ code: "not_paired" });
  });

  it("wipes its credentials when the hub closes with 4003 (revoked)", async () => {
    const connection = await online();
    connection.close(4003, "revoked");
    await agent.waitFor("unpaired", 3000);
    expect(await exists(join(dataDir, "agent-key.pem"))).toBe(false);
    expect((await readAgentStatus({ dataDir })).paired).toBe(false);
  });

  it("stops without reconnecting when replaced by another connection (4004)", async () => {
    const replaced: AgentEvents["replaced"][] = [];
    agent.on("replaced", (e) => replaced.push(e));
    const connection = await online();
    useFakeAgentTimers("timeout");
    connection.close(4004, "replaced");
    await agent.waitFor("replaced", 3000);
    expect(replaced).toEqual([{ code: 4004, reason: "replaced" }]);
    vi.advanceTimersByTime(LONG_AFTER_ANY_RETRY_MS);
    expect(agent.state).toBe("replaced");
    expect(hub.connections).toHaveLength(1);
    expect((await readAgentStatus({ dataDir })).paired).toBe(true);
  });

  it("waits a backoff after the hub rate-limits it (4029) instead of reconnecting at once", async () => {
    const offline: AgentEvents["offline"][] = [];
    agent.on("offline", (e) => offline.push(e));
    const connection = await online();
    connection.send({ type: "error", code: "rate_limited", message: "rate limited: this agent sent too many bad frames" });
    connection.close(4029, "rate limited");
    await agent.waitFor("offline", 3000);
    // reconnectMaxMs is 50: an ordinary drop after a welcome is retried within [0, 50).
    expect(offline[0]).toMatchObject({ code: 4029, wasOnline: true });
    expect(offline[0]!.retryInMs).toBeGreaterThanOrEqual(25);
    expect(hub.connections).toHaveLength(1);
    await agent.waitFor("online", 3000);
    expect(hub.connections).toHaveLength(2);
  });

  it("comes back at a random moment, never at once, after the hub said it is busy with a reconnect storm (4503)", async () => {
    const offline: AgentEvents["offline"][] = [];
    agent.on("offline", (e) => offline.push(e));
    const connection = await online();
    connection.send({ type: "error", code: "rate_limited", message: "the hub is busy with other agents' handshakes; come back in a few seconds" });
    connection.close(4503, "busy");
    await agent.waitFor("offline", 3000);
    expect(offline[0]).toMatchObject({ code: 4503, wasOnline: true });
    // reconnectMaxMs is 50: the busy window is [25, 50).
    expect(offline[0]!.retryInMs).toBeGreaterThanOrEqual(25);
    expect(offline[0]!.retryInMs).toBeLessThan(50);
    await agent.waitFor("online", 3000);
    expect(hub.connections).toHaveLength(2);
  });

  it("waits a backoff when the hub could not store what it sent (1013), then resends after the welcome", async () => {
    const offline: AgentEvents["offline"][] = [];
    agent.on("offline", (e) => offline.push(e));
    const connection = await online();
    connection.send({ type: "error", code: "store_unavailable", message: "the hub could not store this: its data folder is read-only (EROFS)" });
    connection.close(1013, "try again later");
    await agent.waitFor("offline", 3000);
    expect(offline[0]).toMatchObject({ code: 1013, wasOnline: true });
    expect(offline[0]!.retryInMs).toBeGreaterThanOrEqual(25);
    await agent.waitFor("online", 3000);
    expect(hub.connections).toHaveLength(2);
  });

  it("stops but keeps its credentials when the hub does not know its key (4001)", async () => {
    hub.agents.clear();
    const stopped: AgentEvents["stopped"][] = [];
    agent.on("stopped", (e) => stopped.push(e));
    useFakeAgentTimers("timeout");
    await agent.start();
    await agent.waitFor("stopped", 3000);
    expect(stopped).toEqual([expect.objectContaining({ reason: "auth_failed", code: 4001 })]);
    expect(stopped[0]!.message).toMatch(/refused this agent's credentials/);
    vi.advanceTimersByTime(LONG_AFTER_ANY_RETRY_MS);
    expect(agent.state).toBe("stopped");
    expect(hub.connections).toHaveLength(1);
    expect((await readAgentStatus({ dataDir })).paired).toBe(true);
  });

  it("reconnects by itself after the hub restarts on the same port, each attempt once its backoff delay is over", async () => {
    await online();
    useFakeAgentTimers("timeout");
    const virtualNow = () => vi.getMockedSystemTime()!.getTime();
    const offline: (AgentEvents["offline"] & { at: number })[] = [];
    agent.on("offline", (e) => offline.push({ ...e, at: virtualNow() }));
    const port = hub.port;
    const dropped = nextEvent(agent, "offline");
    await hub.close();
    // The first retry is spread (within reconnectMaxMs, 50 here), not at once.
    const first = await dropped;
    expect(first).toMatchObject({ wasOnline: true });
    expect(first.retryInMs).toBeLessThan(50);
    await expect.poll(async () => (await readAgentStatus({ dataDir })).connected, RUNTIME_WRITTEN).toBe(false);

    // A few failed attempts while the hub is down. The retry is the only timer the agent waits
    // on, so the next timer is that attempt: it comes exactly when its delay is over. (Timers
    // are fired synchronously, so no socket event slips in between.)
    for (let attempt = 1; attempt <= 3; attempt++) {
      const previous = offline.at(-1)!;
      expect(previous.retryInMs).toBeLessThanOrEqual(50); // reconnectMaxMs
      expect(vi.getTimerCount()).toBe(1);
      const failed = nextEvent(agent, "offline");
      vi.advanceTimersToNextTimer();
      expect(agent.state).toBe("connecting");
      expect(virtualNow() - previous.at).toBe(previous.retryInMs);
      expect(await failed).toMatchObject({ wasOnline: false, error: expect.stringMatching(/ECONNREFUSED/) });
    }

    await hub.listen(port);
    const back = nextEvent(agent, "online");
    vi.advanceTimersToNextTimer();
    await back;
    expect(hub.connections.at(-1)!.agentId).toBe(agentId);
    await expect.poll(async () => (await readAgentStatus({ dataDir })).connected, RUNTIME_WRITTEN).toBe(true);
  });

  it("stop() closes the link politely and records that it is not running", async () => {
    const connection = await online();
    await agent.stop();
    expect(agent.state).toBe("stopped");
    expect((await connection.closed).code).toBe(1000);
    const status = await readAgentStatus({ dataDir });
    expect(status).toMatchObject({ paired: true, running: false, connected: false });
    await agent.stop(); // idempotent
  });

  it("stop() called while start() is still opening the state stops it all the same", async () => {
    useFakeAgentTimers("timeout");
    const starting = agent.start();
    await expect(agent.start()).rejects.toThrow(/already running/);
    await agent.stop();
    await starting;
    expect(agent.state).toBe("stopped");
    // Nothing left to dial later: a dial would say "connecting" the moment its timer fired.
    vi.advanceTimersByTime(LONG_AFTER_ANY_RETRY_MS);
    expect(agent.state).toBe("stopped");
    for (const connection of hub.connections) expect((await connection.closed).code).toBeGreaterThan(0);
  });

  it("waitFor rejects at once when the agent ends in another state", async () => {
    hub.agents.clear();
    await agent.start();
    await expect(agent.waitFor("online", 3000)).rejects.toThrow(/agent is stopped; it will not become online/);
  });
});

describe("agent watching the hub's heartbeat", () => {
  /** Sent in the hub's welcome: the agent gives up on a hub silent for 2.5 of them (25 s). */
  const HEARTBEAT_MS = 10_000;

  async function withHub() {
    const hub = new FakeHub({ heartbeatMs: HEARTBEAT_MS });
    await hub.listen();
    const { dir, cleanup } = await tempDataDir();
    await seedPairedAgent(dir, hub);
    const agent = createAgent({ dataDir: dir, reconnectMaxMs: 50 });
    // The silence watchdog runs on virtual time; the link itself is a real socket.
    useFakeAgentTimers("timeout");
    await agent.start();
    await agent.waitFor("online", 3000);
    return {
      hub,
      agent,
      async dispose() {
        vi.useRealTimers();
        await agent.stop();
        await hub.close();
        await cleanup();
      },
    };
  }

  it("drops a hub silent for 2.5 heartbeats, not sooner, and dials again soon", async () => {
    const { hub, agent, dispose } = await withHub();
    try {
      // Silent for just under 2.5 heartbeats: still linked, as the answered ping shows (being a
      // frame from the hub, the ping also starts the agent's count again).
      vi.advanceTimersByTime(2.5 * HEARTBEAT_MS - 1);
      await hub.connections[0]!.pingAndPong();
      // Silent for 2.5 heartbeats: cut off.
      const dropped = nextEvent(agent, "offline");
      vi.advanceTimersByTime(2.5 * HEARTBEAT_MS);
      await expect.poll(() => agent.state, { message: "the agent to cut the silent hub off" }).not.toBe("online");
      const cut = await dropped;
      expect(cut).toMatchObject({ wasOnline: true });
      expect(cut.retryInMs).toBeLessThan(50); // within reconnectMaxMs: soon, at a random moment
      await hub.connections[0]!.closed;
      vi.advanceTimersToNextTimer(); // the retry
      await hub.nextConnection(3000, 1);
      await agent.waitFor("online", 3000);
    } finally {
      await dispose();
    }
  });

  it("keeps the link to a hub that pings", async () => {
    const { hub, agent, dispose } = await withHub();
    try {
      const connection = hub.connections[0]!;
      // A ping every heartbeat for ten heartbeats: four times the silence limit, never cut.
      for (let beat = 0; beat < 10; beat++) {
        vi.advanceTimersByTime(HEARTBEAT_MS);
        await connection.pingAndPong();
      }
      expect(hub.connections).toHaveLength(1);
      expect(agent.state).toBe("online");
    } finally {
      await dispose();
    }
  });
});

describe("agent without credentials", () => {
  it("refuses to start with a not_paired error", async () => {
    const { dir, cleanup } = await tempDataDir();
    const agent = createAgent({ dataDir: dir });
    const error = await agent.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AgentCliError);
    expect(error).toMatchObject({ code: "not_paired", message: expect.stringMatching(/not paired; run canopy-agent pair/) });
    expect(agent.state).toBe("stopped");
    await cleanup();
  });
});

