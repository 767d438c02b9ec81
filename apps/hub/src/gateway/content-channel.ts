import type { AgentMessage } from "@canopy/protocol";
import type { AgentLogger } from "./agent-log.js";
import type { Connection } from "./connection.js";
import type { AgentLink, ApplyBatch, ContentPort } from "./content-port.js";
import { SessionChannel } from "./session-channel.js";

type ContentMessageType = "content.manifest" | "content.ack" | "content.drift";
export type ContentHandlers = { [T in ContentMessageType]: (message: AgentMessage<T>) => void | Promise<void> };

/**
 * The content side of one authenticated session: the `AgentLink` handed to the push engine, and
 * the session's handlers for the agent's content messages.
 */
export class ContentChannel extends SessionChannel implements AgentLink {
  readonly #port: ContentPort;

  constructor(identity: { tenantId: string; agentId: string }, connection: Connection, port: ContentPort, log: AgentLogger) {
    super(identity, connection, log);
    this.#port = port;
  }

  apply(batch: ApplyBatch): boolean {
    return this.send({ type: "content.apply", ...batch });
  }

  opened(): void {
    this.#port.connected(this);
  }

  protected released(): void {
    this.#port.disconnected(this);
  }

  readonly handlers = {
    "content.manifest": (message) => this.#port.manifest(this, message),
    "content.ack": (message) => this.#port.ack(this, message),
    "content.drift": (message) => this.#port.drift(this, message),
  } satisfies ContentHandlers;
}
