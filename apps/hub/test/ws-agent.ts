import type { KeyObject } from "node:crypto";
import {
  AGENT_CONNECT_PATH,
  decodeHubFrame,
  deriveSessionKey,
  encodeAgentMessage,
  FrameMac,
  generateEphemeralKey,
  importPublicKey,
  SESSION_MAC_CAPABILITY,
  signHello,
  type AgentToHub,
  type HubMessage,
  type HubToAgent,
  type HubToAgentType,
} from "@canopy/protocol";
import { WebSocket } from "ws";
import { until } from "./until.js";

export interface WsAgentOptions {
  hubUrl: string;
  hubPublicKey: string;
  agentId: string;
  privateKey: KeyObject;
  /** ws answers hub pings by itself unless this is false (to play a hung agent). */
  autoPong?: boolean;
  /** Answer app-level `ping` frames with `pong`. Default true. */
  answerPings?: boolean;
  /** Sees every verified hub frame after it is recorded (to play an agent's side of a protocol). */
  onMessage?: (message: HubToAgent, agent: WsAgent) => void;
  /** Announce session-mac and answer the hub's key share, as agents with session keys do. Default false: an agent from before them. */
  sessionMac?: boolean;
}

/**
 * A minimal agent over a real socket, built from protocol helpers only: verifies every hub frame
 * with the pinned key, answers the challenge, and records what arrives.
 */
export class WsAgent {
  readonly received: HubToAgent[] = [];
  /** Every hub frame's bytes as they came, in order (to look at how each was sealed). */
  readonly frames: Buffer[] = [];
  /** Frames after a session-mac welcome are opened with this. */
  mac: FrameMac | undefined;
  #sessionKey: KeyObject | undefined;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly socket: WebSocket;
  #context = "";
  readonly #changed = new Set<() => void>();

  constructor(readonly options: WsAgentOptions) {
    const url = new URL(AGENT_CONNECT_PATH, options.hubUrl);
    url.protocol = "ws:";
    this.socket = new WebSocket(url, { autoPong: options.autoPong ?? true });
    const hubKey = importPublicKey(options.hubPublicKey);
    this.socket.on("message", (data, isBinary) => {
      if (isBinary) this.frames.push(data as Buffer);
      const decoded = decodeHubFrame(isBinary ? (data as Buffer) : data.toString(), hubKey, this.#context, this.mac);
      if (!decoded.ok) throw new Error(`unverifiable hub frame: ${decoded.error.message}`);
      const message = decoded.message;
      this.received.push(message);
      if (message.type === "hello.challenge") {
        this.#context = message.nonce;
        const share = options.sessionMac && message.sessionKey ? this.#agree(message.nonce, message.sessionKey) : undefined;
        this.send({
          type: "hello",
          agentId: options.agentId,
          signature: signHello(options.privateKey, message.nonce, options.agentId, share),
          agentVersion: "9.9.9-test",
          hostname: "ws-test-host",
          platform: "linux",
          capabilities: options.sessionMac ? [SESSION_MAC_CAPABILITY] : [],
          ...(share ? { sessionKey: share } : {}),
        });
      }
      if (message.type === "welcome" && message.frameAuth === "session-mac") {
        if (!this.#sessionKey) throw new Error("the hub MACs frames with a key this agent never agreed");
        this.mac = new FrameMac(this.#sessionKey);
      }
      if (message.type === "ping" && options.answerPings !== false) this.send({ type: "pong", id: message.id });
      options.onMessage?.(message, this);
      for (const wake of Array.from(this.#changed)) wake();
    });
    this.closed = new Promise((resolve) => this.socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    this.socket.on("error", () => {});
  }

  /** The agent's key share for this connection; the key itself is kept for the welcome. */
  #agree(nonce: string, hubPublicKey: string): string {
    const own = generateEphemeralKey();
    this.#sessionKey = deriveSessionKey({ own: own.privateKey, peerPublicKey: hubPublicKey, nonce, agentId: this.options.agentId, hubPublicKey, agentPublicKey: own.publicKey });
    return own.publicKey;
  }

  send(message: AgentToHub): void {
    this.socket.send(encodeAgentMessage(message));
  }

  next<T extends HubToAgentType>(type: T, timeoutMs = 5000): Promise<HubMessage<T>> {
    return this.waitFor(type, () => true, timeoutMs);
  }

  /** The first frame of `type` that `matches`, waiting for it to arrive. */
  waitFor<T extends HubToAgentType>(type: T, matches: (message: HubMessage<T>) => boolean, timeoutMs = 5000): Promise<HubMessage<T>> {
    return this.until(`a ${type} frame`, () => this.received.find((m): m is HubMessage<T> => m.type === type && matches(m as HubMessage<T>)), timeoutMs);
  }

  /** `probe`'s first defined value, looked at now and after each frame from the hub (once `onMessage` has seen it). */
  until<T>(what: string, probe: () => T | undefined, timeoutMs = 5000): Promise<T> {
    return until(what, probe, (changed) => {
      this.#changed.add(changed);
      return () => this.#changed.delete(changed);
    }, timeoutMs);
  }

  /** A ws ping to the hub, resolved on its pong: the link is up. Rejected if it closes first. */
  pingHub(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.socket.once("pong", () => resolve());
      void this.closed.then(({ code }) => reject(new Error(`the link closed (${code}) before the hub's pong`)));
      this.socket.ping();
    });
  }

  /** Every frame of `type` received so far. */
  all<T extends HubToAgentType>(type: T): HubMessage<T>[] {
    return this.received.filter((m): m is HubMessage<T> => m.type === type);
  }

  close(): void {
    this.socket.close(1000);
  }
}
