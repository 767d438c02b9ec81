import type { KeyObject } from "node:crypto";
import {
  CloseCode,
  decodeHubFrame,
  FrameMac,
  encodeAgentMessage,
  frameBytes,
  HANDSHAKE_TIMEOUT_MS,
  MAX_HUB_FRAME_BYTES,
  type AgentToHub,
  type HubToAgent,
} from "@canopy/protocol";
import WebSocket from "ws";
import type { AgentLogger } from "../core/logger.js";

/** Where one connection is in the handshake; decides which hub messages make sense. */
export type HandshakePhase = "awaiting-challenge" | "awaiting-welcome" | "established";

export interface SocketClosed {
  code: number;
  reason: string;
  /** Whether the WebSocket upgrade had succeeded. */
  opened: boolean;
  /** Why dialling failed or the socket broke (e.g. ECONNREFUSED), when ws said. */
  error: Error | undefined;
}

export interface HubSocketOptions {
  url: string;
  /** The pinned hub key: every frame must carry its signature. */
  hubKey: KeyObject;
  userAgent: string;
  logger: AgentLogger;
  /** An authentic, schema-valid frame from the hub. */
  onMessage(message: HubToAgent, socket: HubSocket): void;
  /** Called exactly once, whatever ended the connection. */
  onClose(closed: SocketClosed): void;
}

/** A dead hub sends nothing while the handshake waits; the hub itself gives up after 10 s. */
const HANDSHAKE_SILENCE_MS = HANDSHAKE_TIMEOUT_MS * 1.5;
/** The hub pings every heartbeatMs; this many missed intervals mean it is gone. */
const DEAD_HUB_HEARTBEATS = 2.5;
/** How long a polite close may take before the socket is cut. */
const CLOSE_GRACE_MS = 2_000;

/**
 * One WebSocket connection to the hub: dials, verifies and decodes every frame with the pinned
 * key and the connection's signing context, and watches for a silent hub. It knows nothing about
 * what messages mean; that is the handlers' job.
 */
export class HubSocket {
  readonly #options: HubSocketOptions;
  readonly #ws: WebSocket;
  #phase: HandshakePhase = "awaiting-challenge";
  /** "" until the challenge; then its nonce, which every later hub frame is signed with. */
  #context = "";
  /** The session key agreed in the hello, until a session-mac welcome puts it to use. */
  #sessionKey: KeyObject | undefined;
  /** After a session-mac welcome: every hub frame must carry this key's tag, in order. */
  #mac: FrameMac | undefined;
  #opened = false;
  #closed = false;
  /** A frame failed its session tag: nothing more from this socket is read. */
  #refuseAll = false;
  #error: Error | undefined;
  #silenceTimer: NodeJS.Timeout | undefined;
  #closeTimer: NodeJS.Timeout | undefined;

  constructor(options: HubSocketOptions) {
    this.#options = options;
    this.#ws = new WebSocket(options.url, {
      maxPayload: MAX_HUB_FRAME_BYTES,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      perMessageDeflate: false,
      headers: { "user-agent": options.userAgent },
    });
    this.#ws.on("open", () => {
      this.#opened = true;
      this.#watchSilence(HANDSHAKE_SILENCE_MS);
    });
    this.#ws.on("message", (data, isBinary) => this.#onFrame(data, isBinary));
    this.#ws.on("ping", () => this.#silenceTimer?.refresh());
    // Without a listener ws would throw; the error is reported with the close that follows.
    this.#ws.on("error", (error) => {
      this.#error ??= error;
    });
    this.#ws.on("close", (code, reason) => this.#onClose(code, reason.toString("utf8")));
  }

  get phase(): HandshakePhase {
    return this.#phase;
  }

  get isOpen(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  /** The challenge arrived: later frames must be signed with its nonce; `sessionKey` if the hello offers one. */
  bindContext(nonce: string, sessionKey?: KeyObject): void {
    this.#context = nonce;
    this.#sessionKey = sessionKey;
    this.#phase = "awaiting-welcome";
  }

  /**
   * Welcomed: from now on a hub silent for ~2.5 heartbeats is considered dead. With
   * `frameAuth: "session-mac"` (the welcome is signed, so that choice is the hub's) every later
   * frame is checked against the session key instead of the hub's signature. False when the hub
   * asks for a session key this connection never agreed (a hub bug: the caller reconnects).
   */
  establish(heartbeatMs: number, frameAuth?: "session-mac"): boolean {
    if (frameAuth === "session-mac") {
      if (!this.#sessionKey) return false;
      this.#mac = new FrameMac(this.#sessionKey);
    }
    this.#sessionKey = undefined;
    this.#phase = "established";
    this.#watchSilence(Math.ceil(heartbeatMs * DEAD_HUB_HEARTBEATS));
    return true;
  }

  /** Sends if the socket is open; false otherwise (the message is dropped, never queued). */
  send(message: AgentToHub): boolean {
    if (this.#ws.readyState !== WebSocket.OPEN) return false;
    this.#ws.send(encodeAgentMessage(message));
    return true;
  }

  /** A polite close; cut after a short grace period if the hub does not answer it. */
  close(code: number = CloseCode.normal, reason = ""): void {
    if (this.#closed || this.#closeTimer) return;
    if (this.#ws.readyState !== WebSocket.OPEN) {
      this.terminate();
      return;
    }
    this.#ws.close(code, reason);
    this.#closeTimer = setTimeout(() => this.terminate(), CLOSE_GRACE_MS);
  }

  terminate(): void {
    if (this.#closed) return;
    this.#ws.terminate();
  }

  #watchSilence(ms: number): void {
    clearTimeout(this.#silenceTimer);
    this.#silenceTimer = setTimeout(() => {
      this.#options.logger.warn({ silentForMs: ms }, "hub went silent; dropping the connection");
      this.terminate();
    }, ms);
  }

  #onFrame(data: WebSocket.RawData, isBinary: boolean): void {
    // After a bad session tag, frames still arriving before the close are not the hub's.
    if (this.#refuseAll) return;
    this.#silenceTimer?.refresh();
    // A text frame cannot carry a signature; passing it as a string makes the decoder say so.
    const frame = isBinary ? frameBytes(data) : Buffer.from(frameBytes(data)).toString("utf8");
    const decoded = decodeHubFrame(frame, this.#options.hubKey, this.#context, this.#mac);
    if (decoded.ok) {
      this.#options.onMessage(decoded.message, this);
      return;
    }
    const { error } = decoded;
    if (error.code === "bad_signature" && this.#mac) {
      // Only the hub holds the session key, and frames are counted: one that fails was forged,
      // replayed or reordered, or one before it went missing. The stream is not the hub's any
      // more; nothing on it is acted on, and the agent reconnects afresh.
      this.#options.logger.warn({ code: error.code, frame: this.#mac.counter }, "a hub frame's session tag does not verify; reconnecting");
      this.send({ type: "error", code: error.code, message: error.message.slice(0, 1024) });
      this.#mac = undefined;
      this.#refuseAll = true;
      this.close(CloseCode.protocolError, "bad session tag");
      return;
    }
    if (error.code === "bad_signature") {
      // Never acted on. Not a reason to drop the link: whoever forged it could cut it anyway.
      this.#options.logger.warn({ code: error.code, phase: this.#phase }, "dropped a hub frame whose signature does not verify");
    } else {
      this.#options.logger.warn({ code: error.code, detail: error.message }, "dropped an invalid hub frame");
    }
    this.send({ type: "error", code: error.code, message: error.message.slice(0, 1024), ...(error.ref ? { ref: error.ref } : {}) });
    // A frame the hub really signed but that does not decode is a hub bug; reconnect afresh.
    if (error.fatal && error.code !== "bad_signature") this.close(CloseCode.protocolError, error.code);
  }

  #onClose(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#silenceTimer);
    clearTimeout(this.#closeTimer);
    this.#ws.removeAllListeners("message");
    this.#ws.removeAllListeners("ping");
    this.#options.onClose({ code, reason, opened: this.#opened, error: this.#error });
  }
}
