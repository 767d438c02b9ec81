import type { KeyObject } from "node:crypto";
import type { Socket } from "node:net";
import { upgradeWebSocket, type HttpBindings } from "@hono/node-server";
import { MAX_AGENT_FRAME_BYTES } from "@canopy/protocol";
import type { Context, MiddlewareHandler } from "hono";
import type { Logger } from "pino";
import { WebSocket, WebSocketServer } from "ws";
import { newId } from "../core/ids.js";
import type { AgentGateway } from "./agent-gateway.js";
import type { AgentSession } from "./agent-session.js";
import { tooMuchBeforeHello } from "./connection-budget.js";
import { createFrameSealer } from "./frame-sealer.js";
import { WsConnection } from "./ws-connection.js";

export interface AgentTransportOptions {
  gateway: AgentGateway;
  /** The hub's signing key; read when a connection opens (the key is loaded at start-up). */
  hubKey: () => KeyObject;
  heartbeatMs: number;
  /** Bytes a socket may send before its hello is verified (`AgentBudgets.bytesBeforeHello`). */
  bytesBeforeHello: number;
  logger: Logger;
}

export interface AgentTransport {
  /** Pass to `createAdaptorServer({ websocket: { server } })`. */
  readonly server: WebSocketServer;
  /** Mount on `AGENT_CONNECT_PATH`. */
  readonly handler: MiddlewareHandler;
  /** Stops heartbeats; sockets still open after `graceMs` are terminated. */
  close(graceMs?: number): Promise<void>;
}

interface Tracked {
  session: AgentSession;
  alive: boolean;
  /** When the outstanding heartbeat ping was sent (performance.now()), for a free RTT reading. */
  pingSentAt: number | null;
}

function socketOf(c: Context): Socket | undefined {
  return (c.env as Partial<HttpBindings> | undefined)?.incoming?.socket;
}

/**
 * How long a socket refused for what it sent before its hello has to read the refusal before it
 * is cut off. The hub reads nothing more from it meanwhile.
 */
export const REFUSED_BEFORE_HELLO_GRACE_MS = 2000;

/**
 * Bounds what a socket may send before its hello is verified. ws hands over whole frames only,
 * up to `maxPayload`, so the TCP bytes are counted as they arrive: past `limit` the session
 * refuses the connection (`frame_too_large`, 4000) and the hub reads no more of it (the rest of a
 * frame too big to be a hello is not worth a byte): the refusal goes out with a FIN, and the
 * socket is cut off `REFUSED_BEFORE_HELLO_GRACE_MS` later. Not at once: the reset would discard
 * what the peer has not read yet, and it would see a bare 1006 and no error.
 */
function watchBytesBeforeHello(raw: Socket, socket: WebSocket, session: AgentSession, limit: number): void {
  let bytes = 0;
  let stopped = false;
  const onData = (chunk: Buffer) => {
    if (session.state === "authenticated") {
      raw.off("data", onData);
      return;
    }
    bytes += chunk.length;
    // Resumed by someone since (ws does when it stops parsing): still nothing more is read.
    if (stopped) raw.pause();
    if (stopped || bytes <= limit) return;
    stopped = true;
    // After ws is done with this chunk: a frame over maxPayload is refused by ws itself at its
    // header (1009, on the next tick), the more precise answer; then this refusal finds the
    // socket closing and sends nothing.
    process.nextTick(() => {
      if (session.state === "challenging") {
        const refusal = tooMuchBeforeHello(limit);
        session.refuse(refusal.code, refusal.closeCode, refusal.message);
      }
      raw.pause();
      raw.end();
      const cut = setTimeout(() => socket.terminate(), REFUSED_BEFORE_HELLO_GRACE_MS);
      cut.unref();
      socket.once("close", () => clearTimeout(cut));
    });
  };
  raw.on("data", onData);
  socket.once("close", () => raw.off("data", onData));
}

/**
 * The WebSocket side of the gateway: `ws` in noServer mode behind Hono's `upgradeWebSocket`,
 * frame size capped by `maxPayload`, bytes before the hello bounded, reading paused and resumed
 * as the session asks (`Connection.pause`), and ws-level heartbeats (a socket that missed the
 * previous pong is terminated, which the session sees as a close).
 */
export function createAgentTransport(options: AgentTransportOptions): AgentTransport {
  const { gateway, heartbeatMs, logger } = options;
  const server = new WebSocketServer({ noServer: true, maxPayload: MAX_AGENT_FRAME_BYTES });
  const tracked = new Map<WebSocket, Tracked>();

  const heartbeat = setInterval(() => {
    for (const [socket, entry] of tracked) {
      // The hub stopped reading it: its pong waits unread. It gets a fresh interval after.
      if (entry.session.paused) {
        entry.alive = true;
        entry.pingSentAt = null;
        continue;
      }
      if (!entry.alive) {
        logger.info({ connectionId: entry.session.connection.id }, "agent missed a heartbeat; terminating");
        socket.terminate();
        continue;
      }
      entry.alive = false;
      try {
        entry.pingSentAt = performance.now();
        socket.ping();
      } catch {
        socket.terminate();
      }
    }
  }, heartbeatMs);
  heartbeat.unref();

  const handler = upgradeWebSocket(
    (c) => {
      const raw = socketOf(c);
      const remoteAddress = raw?.remoteAddress ?? "unknown";
      let session: AgentSession | undefined;
      return {
        onOpen(_event, ws) {
          const socket = ws.raw as unknown;
          if (!(socket instanceof WebSocket)) {
            ws.close(1011, "unsupported transport");
            return;
          }
          const connection = new WsConnection(newId("con"), remoteAddress, socket, createFrameSealer(options.hubKey()));
          session = gateway.accept(connection);
          if (raw) watchBytesBeforeHello(raw, socket, session, options.bytesBeforeHello);
          const entry: Tracked = { session, alive: true, pingSentAt: null };
          tracked.set(socket, entry);
          socket.on("pong", () => {
            entry.alive = true;
            // Heartbeats double as RTT probes, so the Nodes list shows an RTT without a Ping.
            const rttMs = entry.pingSentAt === null ? undefined : Math.round((performance.now() - entry.pingSentAt) * 100) / 100;
            entry.pingSentAt = null;
            entry.session.touch(rttMs);
          });
          socket.once("close", () => tracked.delete(socket));
        },
        onMessage(event) {
          const data = event.data;
          if (typeof data === "string") session?.receive(data, false);
          else if (data instanceof ArrayBuffer) session?.receive(data, true);
          else session?.receive(new Uint8Array(0), true);
        },
        onClose(event) {
          session?.closed(event.code, event.reason);
        },
        onError(event) {
          logger.warn({ err: (event as Event & { error?: unknown }).error }, "agent socket error");
        },
      };
    },
    { onError: (error: unknown) => logger.error({ err: error }, "agent socket handler failed") },
  );

  async function close(graceMs = 1000): Promise<void> {
    clearInterval(heartbeat);
    const open = Array.from(tracked.keys()).filter((s) => s.readyState !== WebSocket.CLOSED);
    await Promise.race([
      Promise.all(open.map((s) => new Promise<void>((resolve) => (s.readyState === WebSocket.CLOSED ? resolve() : s.once("close", () => resolve()))))),
      new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
    ]);
    for (const socket of open) if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
    server.close();
  }

  return { server, handler, close };
}
