import type { KeyObject } from "node:crypto";
import type { HubToAgent } from "@canopy/protocol";
import { WebSocket } from "ws";
import type { AgentSession } from "./agent-session.js";
import type { Connection } from "./connection.js";
import type { FrameSealer } from "./frame-sealer.js";

/**
 * Bytes the hub may hold for one agent that are not yet on the wire. What the hub sends an agent
 * is bounded by what it waits an answer for (4 content batches of 256 KiB, a ping, staff's rpc
 * calls), so only a peer that stops reading its socket gets near this; without a bound it would
 * make the hub buffer everything sent to it until the heartbeat gives up on it.
 */
export const MAX_UNSENT_BYTES = 16 * 1024 * 1024;

/**
 * `Connection` over a `ws` socket; every frame goes out sealed, as a binary message. It also
 * carries what the transport keeps per link (its session, the heartbeat's state), so a link
 * costs one object here rather than several.
 */
export class WsConnection implements Connection {
  readonly id: string;
  readonly remoteAddress: string;
  /** Set by the transport once the gateway accepted the link. */
  session: AgentSession | undefined = undefined;
  /** Answered the last heartbeat ping (or none was sent yet). */
  alive = true;
  /** When the outstanding heartbeat ping was sent (performance.now()), for a free RTT reading. */
  pingSentAt: number | null = null;
  /** Stops the transport's count of raw bytes before the hello; called once the agent is welcomed. */
  stopWatching: (() => void) | undefined = undefined;
  readonly #socket: WebSocket;
  readonly #sealer: FrameSealer;
  readonly #maxUnsentBytes: number;

  constructor(id: string, remoteAddress: string, socket: WebSocket, sealer: FrameSealer, maxUnsentBytes = MAX_UNSENT_BYTES) {
    this.id = id;
    this.remoteAddress = remoteAddress;
    this.#socket = socket;
    this.#sealer = sealer;
    this.#maxUnsentBytes = maxUnsentBytes;
  }

  send(message: HubToAgent, payload?: Uint8Array): void {
    if (this.#socket.readyState !== WebSocket.OPEN) return;
    // A close frame would wait behind the unsent bytes: the socket is cut, which the session
    // sees as a close (1006); the agent reconnects, and what was not acked is sent again.
    if (this.#socket.bufferedAmount > this.#maxUnsentBytes) {
      this.#socket.terminate();
      return;
    }
    this.#socket.send(this.#sealer.seal(message, payload), { binary: true });
  }

  authenticated(sessionKey?: KeyObject): void {
    if (sessionKey) this.#sealer.macAfterWelcome?.(sessionKey);
    this.stopWatching?.();
    this.stopWatching = undefined;
  }

  pause(): void {
    this.#socket.pause();
  }

  resume(): void {
    this.#socket.resume();
  }

  close(code: number, reason: string): void {
    if (this.#socket.readyState === WebSocket.CLOSED || this.#socket.readyState === WebSocket.CLOSING) return;
    this.#socket.close(code, reason);
  }
}
