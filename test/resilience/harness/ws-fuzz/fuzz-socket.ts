import type { KeyObject } from "node:crypto";
import { AGENT_CONNECT_PATH, decodeHubFrame, decodeText, encodeAgentMessage, loadPrivateKey, MAX_HUB_FRAME_BYTES, signHello } from "@canopy/protocol";
import WebSocket from "ws";

/** What the oracle needs of a hub frame. */
export interface HubFrame {
  type: string;
  code?: string;
  ref?: string;
}

export interface FuzzIdentity {
  agentId: string;
  privateKeyPem: string;
}

/**
 * A raw agent socket for fuzzing: records every hub frame (type, code, ref) and the close, and
 * lets the caller wait for either without polling. The challenge is verified against the hub's
 * key; later frames are only decoded (verifying 100,000 signatures would measure this client).
 */
export class FuzzSocket {
  readonly frames: HubFrame[] = [];
  closed: { code: number; reason: string } | undefined;
  nonce = "";
  readonly #ws: WebSocket;
  readonly #wake = new Set<() => void>();

  private constructor(ws: WebSocket, hubKey: KeyObject) {
    this.#ws = ws;
    ws.on("message", (data: Buffer) => {
      const frame = this.nonce === "" ? this.#challenge(data, hubKey) : this.#decode(data);
      this.frames.push(frame);
      this.#notify();
    });
    ws.on("close", (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.#notify();
    });
    ws.on("error", () => {
      // A refused or reset socket also closes; the close is what the oracle reads.
    });
  }

  /** Opens a socket and waits for the hub's challenge. */
  static async open(hubUrl: string, hubKey: KeyObject, timeoutMs = 15_000): Promise<FuzzSocket> {
    const url = new URL(AGENT_CONNECT_PATH, hubUrl);
    url.protocol = "ws:";
    const socket = new FuzzSocket(new WebSocket(url, { maxPayload: MAX_HUB_FRAME_BYTES, perMessageDeflate: false }), hubKey);
    await socket.until("the hub's challenge", () => (socket.nonce ? true : socket.closed ? fail(`closed ${socket.closed.code} before the challenge`) : undefined), timeoutMs);
    return socket;
  }

  /** Completes the handshake as `identity`; resolves once welcomed. */
  async authenticate(identity: FuzzIdentity, timeoutMs = 15_000): Promise<void> {
    this.sendText(this.hello(identity, this.nonce));
    await this.until("welcome", () => (this.frames.some((f) => f.type === "welcome") ? true : this.closed ? fail(`closed ${this.closed.code} ${this.closed.reason}`) : undefined), timeoutMs);
  }

  /** A genuine hello of `identity` signed over `nonce` (another connection's, for a replay). */
  hello(identity: FuzzIdentity, nonce: string): string {
    return encodeAgentMessage({
      type: "hello",
      agentId: identity.agentId,
      signature: signHello(privateKey(identity.privateKeyPem), nonce, identity.agentId),
      agentVersion: "0.0.0-fuzz",
      hostname: "fuzzer",
      platform: "linux",
      capabilities: [],
    });
  }

  send(data: string | Buffer, binary: boolean): void {
    if (this.#ws.readyState === WebSocket.OPEN) this.#ws.send(data, { binary });
  }

  sendText(data: string): void {
    this.send(data, false);
  }

  /** Resolves with `check`'s first defined value, re-checked on every frame and on the close. */
  until<T>(what: string, check: () => T | undefined, timeoutMs: number): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const test = () => {
        try {
          const value = check();
          if (value === undefined) return;
          done();
          resolve(value);
        } catch (error) {
          done();
          reject(error as Error);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.#wake.delete(test);
      };
      this.#wake.add(test);
      test();
    });
  }

  /** Ends the socket from this side (no close handshake: the hub must cope with that too). */
  terminate(): void {
    this.#ws.terminate();
  }

  #notify(): void {
    for (const wake of [...this.#wake]) wake();
  }

  #challenge(data: Buffer, hubKey: KeyObject): HubFrame {
    const decoded = decodeHubFrame(data, hubKey, "");
    if (!decoded.ok || decoded.message.type !== "hello.challenge") return { type: "unverifiable-challenge" };
    this.nonce = decoded.message.nonce;
    return { type: "hello.challenge" };
  }

  #decode(data: Buffer): HubFrame {
    try {
      const value = decodeText(data.subarray(64).toString("utf8")) as { type?: unknown; code?: unknown; ref?: unknown };
      return {
        type: String(value.type),
        ...(typeof value.code === "string" ? { code: value.code } : {}),
        ...(typeof value.ref === "string" ? { ref: value.ref } : {}),
      };
    } catch {
      return { type: "undecodable" };
    }
  }
}

const keys = new Map<string, KeyObject>();

/** Parsed once per identity: a lane signs a hello on every connection. */
function privateKey(pem: string): KeyObject {
  let key = keys.get(pem);
  if (!key) keys.set(pem, (key = loadPrivateKey(pem)));
  return key;
}

function fail(message: string): never {
  throw new Error(message);
}
