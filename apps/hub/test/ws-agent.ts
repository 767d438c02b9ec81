import type { KeyObject } from "node:crypto";
import {
  AGENT_CONNECT_PATH,
  decodeHubFrame,
  encodeAgentMessage,
  importPublicKey,
  signHello,
  type AgentToHub,
  type HubMessage,
  type HubToAgent,
  type HubToAgentType,
} from "@canopy/protocol";
import { WebSocket } from "ws";

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
}

/**
 * A minimal agent over a real socket, built from protocol helpers only: verifies every hub frame
 * with the pinned key, answers the challenge, and records what arrives.
 */
export class WsAgent {
  readonly received: HubToAgent[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly socket: WebSocket;
  #context = "";

  constructor(readonly options: WsAgentOptions) {
    const url = new URL(AGENT_CONNECT_PATH, options.hubUrl);
    url.protocol = "ws:";
    this.socket = new WebSocket(url, { autoPong: options.autoPong ?? true });
    const hubKey = importPublicKey(options.hubPublicKey);
    this.socket.on("message", (data, isBinary) => {
      const decoded = decodeHubFrame(isBinary ? (data as Buffer) : data.toString(), hubKey, this.#context);
      if (!decoded.ok) throw new Error(`unverifiable hub frame: ${decoded.error.message}`);
      const message = decoded.message;
      this.received.push(message);
      if (message.type === "hello.challenge") {
        this.#context = message.nonce;
        this.send({
          type: "hello",
          agentId: options.agentId,
          signature: signHello(options.privateKey, message.nonce, options.agentId),
          agentVersion: "9.9.9-test",
          hostname: "ws-test-host",
          platform: "linux",
          capabilities: [],
        });
      }
      if (message.type === "ping" && options.answerPings !== false) this.send({ type: "pong", id: message.id });
      options.onMessage?.(message, this);
    });
    this.closed = new Promise((resolve) => this.socket.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
    this.socket.on("error", () => {});
  }

  send(message: AgentToHub): void {
    this.socket.send(encodeAgentMessage(message));
  }

  async next<T extends HubToAgentType>(type: T, timeoutMs = 5000): Promise<HubMessage<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((m): m is HubMessage<T> => m.type === type);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} within ${timeoutMs} ms (got ${this.received.map((m) => m.type).join(", ")})`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** The first frame of `type` that `matches`, waiting for it to arrive. */
  async waitFor<T extends HubToAgentType>(type: T, matches: (message: HubMessage<T>) => boolean, timeoutMs = 5000): Promise<HubMessage<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((m): m is HubMessage<T> => m.type === type && matches(m as HubMessage<T>));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching ${type} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Every frame of `type` received so far. */
  all<T extends HubToAgentType>(type: T): HubMessage<T>[] {
    return this.received.filter((m): m is HubMessage<T> => m.type === type);
  }

  close(): void {
    this.socket.close(1000);
  }
}
