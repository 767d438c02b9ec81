import type { KeyObject } from "node:crypto";
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import type { Socket } from "node:net";
import { AGENT_CONNECT_PATH, MAX_AGENT_FRAME_BYTES } from "@canopy/protocol";
import type { Logger } from "pino";
import { WebSocket, WebSocketServer, type RawData } from "ws";
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
  /** Takes the WebSocket upgrades of `server`: `AGENT_CONNECT_PATH` becomes an agent link, any other path is answered 404. */
  attach(server: Server): void;
  /** Stops heartbeats; sockets still open after `graceMs` are terminated. */
  close(graceMs?: number): Promise<void>;
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
function watchBytesBeforeHello(raw: Socket, socket: WebSocket, session: AgentSession, limit: number): () => void {
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
  const stop = () => raw.off("data", onData);
  socket.once("close", stop);
  return () => {
    stop();
    socket.off("close", stop);
  };
}

/** Answers an upgrade the hub does not take, and closes the socket. */
function refuseUpgrade(socket: Duplex, status: 404 | 500): void {
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${status} ${status === 404 ? "Not Found" : "Internal Server Error"}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function pathOf(url: string | undefined): string {
  const path = url ?? "/";
  const query = path.indexOf("?");
  return query === -1 ? path : path.slice(0, query);
}

/**
 * The WebSocket side of the gateway: the node server's `upgrade` event goes straight to `ws`
 * (noServer mode), not through the HTTP app, so a link keeps nothing of its upgrade request but
 * the peer's address (a request, context and headers kept per socket would cost kilobytes each
 * at 10,000 agents). Frame size capped by `maxPayload`, bytes before the hello bounded, reading
 * paused and resumed as the session asks (`Connection.pause`), and ws-level heartbeats (a
 * socket that missed the previous pong is terminated, which the session sees as a close).
 * The socket listeners are shared by every link (they find theirs by `this`), not made per socket.
 */
export function createAgentTransport(options: AgentTransportOptions): AgentTransport {
  const { gateway, heartbeatMs, logger } = options;
  // clientTracking off: `links` is the one list of sockets.
  const server = new WebSocketServer({ noServer: true, maxPayload: MAX_AGENT_FRAME_BYTES, clientTracking: false });
  const links = new Map<WebSocket, WsConnection>();

  const heartbeat = setInterval(() => {
    for (const [socket, link] of links) {
      const session = link.session!;
      // The hub stopped reading it: its pong waits unread. It gets a fresh interval after.
      if (session.paused) {
        link.alive = true;
        link.pingSentAt = null;
        continue;
      }
      if (!link.alive) {
        logger.info({ connectionId: link.id }, "agent missed a heartbeat; terminating");
        socket.terminate();
        continue;
      }
      link.alive = false;
      try {
        link.pingSentAt = performance.now();
        socket.ping();
      } catch {
        socket.terminate();
      }
    }
  }, heartbeatMs);
  heartbeat.unref();

  function onPong(this: WebSocket): void {
    const link = links.get(this);
    if (!link) return;
    link.alive = true;
    // Heartbeats double as RTT probes, so the Nodes list shows an RTT without a Ping.
    const rttMs = link.pingSentAt === null ? undefined : Math.round((performance.now() - link.pingSentAt) * 100) / 100;
    link.pingSentAt = null;
    link.session!.touch(rttMs);
  }

  function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
    void links.get(this)?.session!.receive(data, isBinary);
  }

  function onClose(this: WebSocket, code: number, reason: Buffer): void {
    const link = links.get(this);
    links.delete(this);
    link?.session!.closed(code, reason.toString("utf8"));
  }

  function onError(this: WebSocket, error: Error): void {
    logger.warn({ err: error, connectionId: links.get(this)?.id }, "agent socket error");
  }

  function open(socket: WebSocket, raw: Socket, remoteAddress: string): void {
    const link = new WsConnection(newId("con"), remoteAddress, socket, createFrameSealer(options.hubKey()));
    links.set(socket, link);
    socket.on("message", onMessage);
    socket.on("pong", onPong);
    socket.on("close", onClose);
    socket.on("error", onError);
    const session = gateway.accept(link);
    link.session = session;
    if (session.state === "challenging") link.stopWatching = watchBytesBeforeHello(raw, socket, session, options.bytesBeforeHello);
  }

  function onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (pathOf(request.url) !== AGENT_CONNECT_PATH || request.method !== "GET") {
      refuseUpgrade(socket, 404);
      return;
    }
    const raw = socket as Socket;
    const remoteAddress = raw.remoteAddress ?? "unknown";
    try {
      // ws answers a malformed upgrade (bad key, version, method) itself, with a 400.
      server.handleUpgrade(request, socket, head, (ws) => {
        try {
          open(ws, raw, remoteAddress);
        } catch (error) {
          logger.error({ err: error }, "agent socket handler failed");
          ws.terminate();
        }
      });
    } catch (error) {
      logger.error({ err: error }, "agent upgrade failed");
      refuseUpgrade(socket, 500);
    }
  }

  function attach(http: Server): void {
    http.on("upgrade", onUpgrade);
  }

  async function close(graceMs = 1000): Promise<void> {
    clearInterval(heartbeat);
    const open = Array.from(links.keys()).filter((s) => s.readyState !== WebSocket.CLOSED);
    await Promise.race([
      Promise.all(open.map((s) => new Promise<void>((resolve) => (s.readyState === WebSocket.CLOSED ? resolve() : s.once("close", () => resolve()))))),
      new Promise<void>((resolve) => setTimeout(resolve, graceMs).unref()),
    ]);
    for (const socket of open) if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
    server.close();
  }

  return { attach, close };
}
