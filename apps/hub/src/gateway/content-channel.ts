import type { AgentMessage, HubToAgent } from "@canopy/protocol";
import type { Logger } from "pino";
import type { Connection } from "./connection.js";
import type { AgentLink, ApplyBatch, ContentPort } from "./content-port.js";

type ContentMessageType = "content.manifest" | "content.ack" | "content.drift";
export type ContentHandlers = { [T in ContentMessageType]: (message: AgentMessage<T>) => void | Promise<void> };

/**
 * The content side of one authenticated session: the `AgentLink` handed to the push engine, and
 * the session's handlers for the agent's content messages. Created once the handshake verified
 * the agent, so the identity it carries is the session's, never a payload's.
 */
export class ContentChannel implements AgentLink {
  readonly tenantId: string;
  readonly agentId: string;
  readonly sessionId: string;
  readonly #connection: Connection;
  readonly #port: ContentPort;
  readonly #log: Logger;
  #open = true;

  constructor(identity: { tenantId: string; agentId: string }, connection: Connection, port: ContentPort, log: Logger) {
    this.tenantId = identity.tenantId;
    this.agentId = identity.agentId;
    this.sessionId = connection.id;
    this.#connection = connection;
    this.#port = port;
    this.#log = log;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  apply(batch: ApplyBatch): boolean {
    if (!this.#open) return false;
    const message: HubToAgent = { type: "content.apply", ...batch };
    try {
      this.#connection.send(message);
      return true;
    } catch (error) {
      this.#log.warn({ err: error, batchId: batch.batchId }, "could not send a content batch");
      return false;
    }
  }

  /** The session was welcomed. */
  opened(): void {
    this.#port.connected(this);
  }

  /** The session is closing or closed: nothing more is sent on it. Idempotent. */
  closed(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#port.disconnected(this);
  }

  readonly handlers = {
    "content.manifest": (message) => this.#port.manifest(this, message),
    "content.ack": (message) => this.#port.ack(this, message),
    "content.drift": (message) => this.#port.drift(this, message),
  } satisfies ContentHandlers;
}
