import type { KeyObject } from "node:crypto";
import {
  encodeAgentMessage,
  generateKeyPair,
  loadPrivateKey,
  signHello,
  type AgentToHub,
  type HubMessage,
  type HubToAgent,
  type HubToAgentType,
} from "@canopy/protocol";
import type { Hub } from "../src/hub.js";
import type { AgentSession } from "../src/gateway/agent-session.js";
import type { Connection } from "../src/gateway/connection.js";
import type { Caller } from "./helpers.js";
import { until } from "./until.js";

let connections = 0;

/** A `Connection` that records what the hub sends, whether it reads, and how it closed. */
export class FakeConnection implements Connection {
  readonly id = `con_fake${String(++connections).padStart(8, "0")}`;
  readonly sent: HubToAgent[] = [];
  closedWith: { code: number; reason: string } | undefined;
  readonly #changed = new Set<() => void>();
  /** The hub stopped reading (the agent is over a budget). */
  paused = false;

  constructor(readonly remoteAddress = "198.51.100.7") {}

  send(message: HubToAgent): void {
    if (this.closedWith) throw new Error(`send after close: ${message.type}`);
    this.sent.push(message);
    for (const wake of Array.from(this.#changed)) wake();
  }

  close(code: number, reason: string): void {
    this.closedWith ??= { code, reason };
    for (const wake of Array.from(this.#changed)) wake();
  }

  pause(): void {
    this.paused = true;
    for (const wake of Array.from(this.#changed)) wake();
  }

  resume(): void {
    this.paused = false;
    for (const wake of Array.from(this.#changed)) wake();
  }

  last<T extends HubToAgentType>(type: T): HubMessage<T> | undefined {
    return this.sent.filter((m): m is HubMessage<T> => m.type === type).at(-1);
  }

  /** The first frame of `type` the hub sent (that `matches`), waiting for it if need be. */
  next<T extends HubToAgentType>(type: T, matches: (message: HubMessage<T>) => boolean = () => true, timeoutMs = 2000): Promise<HubMessage<T>> {
    return this.until(`a ${type} frame`, () => this.sent.find((m): m is HubMessage<T> => m.type === type && matches(m as HubMessage<T>)), timeoutMs);
  }

  /** `probe`'s first defined value, looked at now and after each frame the hub sends (frames it sends after a store flush arrive a turn later). */
  until<T>(what: string, probe: () => T | undefined, timeoutMs = 2000): Promise<T> {
    return until(what, probe, (changed) => {
      this.#changed.add(changed);
      return () => this.#changed.delete(changed);
    }, timeoutMs);
  }
}

export interface PairedIdentity {
  tenantId: string;
  agentId: string;
  privateKey: KeyObject;
  hubPublicKey: string;
}

/** Pairs a new agent with `tenantId` through the real HTTP routes. */
export async function pairThroughApi(hub: Hub, staff: Caller, tenantId: string): Promise<PairedIdentity> {
  const { code } = (await staff.post(`/tenants/${tenantId}/pairing-codes`, {})).body;
  const keys = generateKeyPair();
  const res = await staff.post("/api/v1/agent/pair", {
    code,
    publicKey: keys.publicKey,
    hostname: "fake-host",
    agentVersion: "1.2.3",
    platform: "linux",
  });
  if (res.status !== 201) throw new Error(`pairing failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { tenantId, agentId: res.body.agentId, privateKey: loadPrivateKey(keys.privateKeyPem), hubPublicKey: res.body.hubPublicKey };
}

/**
 * One agent connection driven by hand through the gateway, without sockets: frames go in as
 * the bytes a socket would deliver, and the fake connection records the answers.
 */
export class FakeAgent {
  readonly connection: FakeConnection;
  readonly session: AgentSession;

  constructor(hubServices: Awaited<ReturnType<Hub["services"]>>, remoteAddress?: string) {
    this.connection = new FakeConnection(remoteAddress);
    this.session = hubServices.gateway.accept(this.connection);
  }

  get nonce(): string {
    const challenge = this.connection.sent[0];
    if (challenge?.type !== "hello.challenge") throw new Error("no challenge");
    return challenge.nonce;
  }

  /** Resolves once the hub has handled the frame (a hello: once the agent was looked up and answered). */
  send(message: AgentToHub | Record<string, unknown>): Promise<void> {
    return this.session.receive(encodeAgentMessage(message as AgentToHub), false) ?? Promise.resolve();
  }

  sendRaw(data: string | Uint8Array, isBinary = typeof data !== "string"): Promise<void> {
    return this.session.receive(data, isBinary) ?? Promise.resolve();
  }

  /** Answers the challenge as `agentId`, signing with `key`. */
  hello(agentId: string, key: KeyObject, extra: Record<string, unknown> = {}): Promise<void> {
    return this.send({
      type: "hello",
      agentId,
      signature: signHello(key, this.nonce, agentId),
      agentVersion: "1.2.3",
      hostname: "fake-host",
      platform: "linux",
      capabilities: [],
      ...extra,
    });
  }

  /** What the transport reports when the socket is gone. */
  dropped(code = 1006): void {
    this.session.closed(code, "");
  }
}
