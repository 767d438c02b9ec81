import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  AGENT_CONNECT_PATH,
  decodeHubFrame,
  encodeAgentMessage,
  importPublicKey,
  loadPrivateKey,
  signHello,
  type AgentToHub,
  type HubToAgent,
} from "@canopy/protocol";
import WebSocket from "ws";
import { waitFor } from "./wait.js";

export interface AgentCredentials {
  agentId: string;
  tenantId: string;
  hubPublicKey: string;
  privateKeyPem: string;
}

/** Reads what `canopy-agent pair` left on disk: the key file and the credentials document. */
export async function readAgentCredentials(dataDir: string): Promise<AgentCredentials> {
  const privateKeyPem = await readFile(join(dataDir, "agent-key.pem"), "utf8");
  const stateDir = join(dataDir, "state");
  for (const file of await readdir(stateDir)) {
    if (!file.endsWith(".json")) continue;
    const data = JSON.parse(await readFile(join(stateDir, file), "utf8"));
    for (const doc of Object.values<Record<string, unknown>>(data.docs ?? {})) {
      if (typeof doc.agentId === "string" && typeof doc.hubPublicKey === "string") {
        return { agentId: doc.agentId, tenantId: String(doc.tenantId), hubPublicKey: doc.hubPublicKey, privateKeyPem };
      }
    }
  }
  throw new Error(`no credentials found under ${stateDir}`);
}

/**
 * A hand-driven agent connection for tests that must misbehave on purpose: it speaks the real
 * protocol (or not) one frame at a time and records everything the hub sends.
 */
export class RawAgent {
  readonly received: HubToAgent[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #context = "";

  private constructor(
    readonly ws: WebSocket,
    private readonly hubKey: ReturnType<typeof importPublicKey>,
  ) {
    ws.on("message", (data, isBinary) => {
      if (!isBinary) return;
      const decoded = decodeHubFrame(data as Buffer, this.hubKey, this.#context);
      if (!decoded.ok) throw new Error(`hub sent an unverifiable frame: ${decoded.error.message}`);
      if (decoded.message.type === "hello.challenge") this.#context = decoded.message.nonce;
      this.received.push(decoded.message);
    });
    this.closed = new Promise((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async connect(hubUrl: string, hubPublicKey: string): Promise<RawAgent> {
    const url = new URL(AGENT_CONNECT_PATH, hubUrl);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const ws = new WebSocket(url);
    const raw = new RawAgent(ws, importPublicKey(hubPublicKey));
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    return raw;
  }

  async next<T extends HubToAgent["type"]>(type: T, timeoutMs = 5000): Promise<Extract<HubToAgent, { type: T }>> {
    return waitFor(`a ${type} frame from the hub`, () => this.received.find((m) => m.type === type), { timeoutMs }) as Promise<
      Extract<HubToAgent, { type: T }>
    >;
  }

  send(message: AgentToHub): void {
    this.ws.send(encodeAgentMessage(message));
  }

  sendRaw(data: string | Buffer): void {
    this.ws.send(data);
  }

  /** Answers the challenge for `agentId`, signing with `privateKeyPem` (which may not be that agent's key). */
  async hello(agentId: string, privateKeyPem: string): Promise<void> {
    const challenge = await this.next("hello.challenge");
    this.send({
      type: "hello",
      agentId,
      signature: signHello(loadPrivateKey(privateKeyPem), challenge.nonce, agentId),
      agentVersion: "0.0.0-e2e",
      hostname: "raw-agent",
      platform: "linux",
      capabilities: [],
    });
  }

  close(): void {
    this.ws.close();
  }
}
