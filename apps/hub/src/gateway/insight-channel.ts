import { INSIGHT_LIMITS, type AgentMessage, type HubMessage, type HubToAgent, type InsightUpdateRequest } from "@canopy/protocol";
import type { AgentLogger } from "./agent-log.js";
import type { Connection } from "./connection.js";
import type { InsightLink, InsightPort } from "./insight-port.js";


/**
 * The insight side of one authenticated session: the `InsightLink` handed to the insight
 * service, open from the welcome until the session closes, and the session's handlers for
 * `insights.upsert` (ack once durable) and `insight.update.ack`. Created only after the
 * handshake verified the agent, so the tenant it carries is the session's, never a payload's.
 */
export class InsightChannel implements InsightLink {
  readonly tenantId: string;
  readonly agentId: string;
  readonly sessionId: string;
  /** The connection's rate-limited log: what the insight service writes about this agent's messages. */
  readonly log: AgentLogger;
  readonly #connection: Connection;
  readonly #port: InsightPort;
  #open = true;

  constructor(identity: { tenantId: string; agentId: string }, connection: Connection, port: InsightPort, log: AgentLogger) {
    this.tenantId = identity.tenantId;
    this.agentId = identity.agentId;
    this.sessionId = connection.id;
    this.#connection = connection;
    this.#port = port;
    this.log = log;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  sendUpdates(updates: readonly InsightUpdateRequest[]): boolean {
    for (let start = 0; start < updates.length; start += INSIGHT_LIMITS.updates) {
      if (!this.#send({ type: "insight.update", updates: updates.slice(start, start + INSIGHT_LIMITS.updates) })) return false;
    }
    return true;
  }

  refuseBatch(seq: number, refusal: Omit<HubMessage<"insights.refused">, "type" | "seq">): boolean {
    return this.#send({ type: "insights.refused", seq, ...refusal });
  }

  notify(notice: HubMessage<"tenant.settings"> | HubMessage<"insights.resume">): boolean {
    return this.#send(notice);
  }

  /** The session was welcomed: the insight service may use this link. */
  opened(): void {
    this.#port.connected(this);
  }

  /** The session is closing or closed: nothing more is sent on it. Idempotent. */
  closed(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#port.disconnected(this);
  }

  /** An `insights.upsert` from the agent: acked only once durable; an agent that disconnects first resends the batch (same seq). */
  async upsert(message: AgentMessage<"insights.upsert">): Promise<void> {
    if (await this.#port.upsert(this, message)) this.#send({ type: "insights.ack", seq: message.seq });
  }

  updateAck(message: AgentMessage<"insight.update.ack">): void | Promise<void> {
    return this.#port.updateAck(this, message);
  }

  /** Sends if still open; false (logged) when the link is closed or the socket refused it. */
  #send(message: HubToAgent): boolean {
    if (!this.#open) return false;
    try {
      this.#connection.send(message);
      return true;
    } catch (error) {
      this.log.warn({ err: error, type: message.type }, "could not send to agent");
      return false;
    }
  }
}
