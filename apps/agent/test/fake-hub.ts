/**
 * A tiny hub for the agent's unit tests, built only from @canopy/protocol helpers over a real
 * `ws` server on 127.0.0.1. It does the handshake like the real hub and lets a test drive
 * everything else by hand. The real hub is covered by the end-to-end suite.
 */
import { randomBytes, type KeyObject } from "node:crypto";
import type { AddressInfo } from "node:net";
import {
  AGENT_CONNECT_PATH,
  decodeAgentFrame,
  deriveSessionKey,
  FrameMac,
  generateEphemeralKey,
  generateKeyPair,
  importPublicKey,
  loadPrivateKey,
  macHubMessage,
  sealHubMessage,
  SESSION_MAC_CAPABILITY,
  verifyHello,
  type AgentToHub,
  type AgentToHubType,
  type AgentMessage,
  type HubToAgent,
  type Insight,
} from "@canopy/protocol";
import { WebSocketServer, type WebSocket } from "ws";

export interface FakeHubOptions {
  /** Sent in `welcome`. */
  heartbeatMs?: number;
  /** Send ws pings at this interval once welcomed (0: never, to play a silent hub). */
  pingEveryMs?: number;
  tenantName?: string;
  /**
   * Store every `insights.upsert` in `hub.insights` (highest revision wins, like the real hub)
   * and answer `insights.ack` at once. Off: the test acks by hand (`connection.ackInsights`).
   */
  ackInsights?: boolean;
  /**
   * Offer a session key in the challenge, and MAC the frames after the welcome of an agent that
   * answers it, like the real hub. Off: a hub from before session keys (every frame signed).
   */
  sessionMac?: boolean;
}

export class FakeConnection {
  readonly nonce = randomBytes(32).toString("base64url");
  /** The hub's ephemeral key share, with `sessionMac`. */
  ephemeral: ReturnType<typeof generateEphemeralKey> | undefined;
  /** Set once a session-mac welcome went out: later `send`s are MAC'd with it. */
  mac: FrameMac | undefined;
  /** Every frame sent after the welcome, as it went on the wire (to replay one). */
  readonly sentFrames: Buffer[] = [];
  readonly received: AgentToHub[] = [];
  /** Called as each message arrives, before anything else happens (e.g. to look at the agent's disk right then). */
  readonly observers: ((message: AgentToHub) => void)[] = [];
  agentId: string | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #ws: WebSocket;
  readonly #hubKey: KeyObject;
  /** Looked at again after each message from the agent. */
  readonly #waiters = new Set<() => void>();

  constructor(ws: WebSocket, hubKey: KeyObject) {
    this.#ws = ws;
    this.#hubKey = hubKey;
    this.closed = new Promise((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /**
   * A frame as the real hub sends it: MAC'd with the session key after a session-mac welcome,
   * otherwise signed with the hub key and this connection's nonce (or the `context` and `key` given).
   */
  send(message: HubToAgent, context: string = this.nonce, key: KeyObject = this.#hubKey): void {
    const frame = this.mac ? macHubMessage(this.mac, message) : sealHubMessage(key, context, message);
    if (this.mac) this.sentFrames.push(frame);
    this.#ws.send(frame);
  }

  /** A frame signed with the hub key and this connection's nonce, whatever the session agreed. */
  sendSigned(message: HubToAgent): void {
    this.#ws.send(sealHubMessage(this.#hubKey, this.nonce, message));
  }

  sendRaw(data: Buffer | string): void {
    this.#ws.send(data);
  }

  close(code: number, reason = ""): void {
    this.#ws.close(code, reason);
  }

  ping(): void {
    this.#ws.ping();
  }

  /** A ws ping, resolved once the agent's pong is back (by then the agent has seen the ping); rejected if the link closes first. */
  pingAndPong(): Promise<void> {
    const pong = new Promise<void>((resolve, reject) => {
      this.#ws.once("pong", () => resolve());
      void this.closed.then(({ code }) => reject(new Error(`the link closed (${code}) before the agent's pong`)));
    });
    this.#ws.ping();
    return pong;
  }

  /** Every `insights.upsert` received on this connection, in order. */
  upserts(): AgentMessage<"insights.upsert">[] {
    return this.received.filter((m): m is AgentMessage<"insights.upsert"> => m.type === "insights.upsert");
  }

  ackInsights(seq: number): void {
    this.send({ type: "insights.ack", seq });
  }

  push(message: AgentToHub): void {
    for (const observe of this.observers) observe(message);
    this.received.push(message);
    for (const check of Array.from(this.#waiters)) check();
  }

  /** The first message received of `type` (matching `predicate`), waiting for it if need be. */
  next<T extends AgentToHubType>(type: T, predicate: (m: AgentMessage<T>) => boolean = () => true, timeoutMs = 3000): Promise<AgentMessage<T>> {
    const find = () => this.received.find((m): m is AgentMessage<T> => m.type === type && predicate(m as AgentMessage<T>));
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const check = () => {
        const message = find();
        if (!message) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(message);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`no ${type} from the agent within ${timeoutMs} ms (got ${this.received.map((m) => m.type).join(", ") || "nothing"})`));
      }, timeoutMs);
      this.#waiters.add(check);
    });
  }
}

export class FakeHub {
  readonly keyPair = generateKeyPair();
  readonly hubKey = loadPrivateKey(this.keyPair.privateKeyPem);
  /** agentId → public key (base64url), as pairing would have stored it. */
  readonly agents = new Map<string, string>();
  readonly connections: FakeConnection[] = [];
  /** With `ackInsights`: what the hub holds, by insight id. */
  readonly insights = new Map<string, Insight>();
  readonly options: Required<FakeHubOptions>;
  port = 0;
  #server: WebSocketServer | undefined;
  #pingTimers = new Set<NodeJS.Timeout>();
  #connectionWaiters: ((c: FakeConnection) => void)[] = [];

  constructor(options: FakeHubOptions = {}) {
    this.options = { heartbeatMs: 15_000, pingEveryMs: 0, tenantName: "Acme", ackInsights: false, sessionMac: false, ...options };
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens on `port` (default: the previous one, or a free one the first time). */
  async listen(port = this.port): Promise<void> {
    const server = new WebSocketServer({ host: "127.0.0.1", port, path: AGENT_CONNECT_PATH });
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", reject);
    });
    this.port = (server.address() as AddressInfo).port;
    server.on("connection", (ws) => this.#accept(ws));
    this.#server = server;
  }

  /** Drops every agent (1006 from their side) and stops listening. */
  async close(): Promise<void> {
    for (const timer of this.#pingTimers) clearInterval(timer);
    this.#pingTimers.clear();
    const server = this.#server;
    this.#server = undefined;
    if (!server) return;
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The next connection that completes (or is refused in) the handshake, or an existing one. */
  nextConnection(timeoutMs = 3000, after = this.connections.length): Promise<FakeConnection> {
    const existing = this.connections[after];
    if (existing) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no agent connected within ${timeoutMs} ms`)), timeoutMs);
      this.#connectionWaiters.push((c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
  }

  #accept(ws: WebSocket): void {
    const connection = new FakeConnection(ws, this.hubKey);
    this.connections.push(connection);
    for (const wake of this.#connectionWaiters.splice(0)) wake(connection);
    ws.on("message", (data, isBinary) => {
      const decoded = decodeAgentFrame(data as Buffer, isBinary);
      if (!decoded.ok) throw new Error(`agent sent a bad frame: ${decoded.error.message}`);
      connection.push(decoded.message);
      if (decoded.message.type === "hello") this.#onHello(connection, decoded.message);
      if (decoded.message.type === "insights.upsert" && this.options.ackInsights) {
        for (const insight of decoded.message.insights) {
          const held = this.insights.get(insight.id);
          if (!held || insight.revision >= held.revision) this.insights.set(insight.id, insight);
        }
        connection.ackInsights(decoded.message.seq);
      }
    });
    if (this.options.sessionMac) connection.ephemeral = generateEphemeralKey();
    const sessionKey = connection.ephemeral ? { sessionKey: connection.ephemeral.publicKey } : {};
    connection.send({ type: "hello.challenge", nonce: connection.nonce, protocolVersion: 1, hubTime: Date.now(), ...sessionKey }, "");
  }

  #onHello(connection: FakeConnection, hello: AgentMessage<"hello">): void {
    const key = this.agents.get(hello.agentId);
    if (!key || !verifyHello(importPublicKey(key), connection.nonce, hello.agentId, hello.signature, hello.sessionKey)) {
      connection.send({ type: "error", code: "auth_failed", message: "unknown agent or bad signature" });
      connection.close(4001, "auth failed");
      return;
    }
    connection.agentId = hello.agentId;
    const hub = connection.ephemeral;
    const agreed = hub && hello.sessionKey !== undefined && hello.capabilities.includes(SESSION_MAC_CAPABILITY);
    connection.send({
      type: "welcome",
      sessionId: `s${this.connections.length}`,
      agentId: hello.agentId,
      tenantId: "tn_tenant0001",
      tenantName: this.options.tenantName,
      heartbeatMs: this.options.heartbeatMs,
      ...(agreed ? { frameAuth: "session-mac" as const } : {}),
    });
    if (agreed) {
      const shared = { nonce: connection.nonce, agentId: hello.agentId, hubPublicKey: hub.publicKey, agentPublicKey: hello.sessionKey! };
      connection.mac = new FrameMac(deriveSessionKey({ ...shared, own: hub.privateKey, peerPublicKey: hello.sessionKey! }));
    }
    if (this.options.pingEveryMs > 0) {
      const timer = setInterval(() => connection.ping(), this.options.pingEveryMs);
      this.#pingTimers.add(timer);
      void connection.closed.then(() => {
        clearInterval(timer);
        this.#pingTimers.delete(timer);
      });
    }
  }
}
