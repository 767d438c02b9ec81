import { INSIGHT_LIMITS, type AgentMessage, type InsightUpdateRequest } from "@canopy/protocol";
import type { AgentLogger } from "./agent-log.js";
import type { Connection } from "./connection.js";
import type { InsightLink, InsightPort } from "./insight-port.js";
import { SessionChannel } from "./session-channel.js";

type InsightMessageType = "insights.upsert" | "insight.update.ack";
export type InsightHandlers = { [T in InsightMessageType]: (message: AgentMessage<T>) => void | Promise<void> };

/**
 * The insight side of one authenticated session: the `InsightLink` handed to the insight
 * service, and the session's handlers for `insights.upsert` (ack once durable) and
 * `insight.update.ack`.
 */
export class InsightChannel extends SessionChannel implements InsightLink {
  readonly #port: InsightPort;

  constructor(identity: { tenantId: string; agentId: string }, connection: Connection, port: InsightPort, log: AgentLogger) {
    super(identity, connection, log);
    this.#port = port;
  }

  sendUpdates(updates: readonly InsightUpdateRequest[]): boolean {
    for (let start = 0; start < updates.length; start += INSIGHT_LIMITS.updates) {
      if (!this.send({ type: "insight.update", updates: updates.slice(start, start + INSIGHT_LIMITS.updates) })) return false;
    }
    return true;
  }

  opened(): void {
    this.#port.connected(this);
  }

  protected released(): void {
    this.#port.disconnected(this);
  }

  readonly handlers = {
    "insights.upsert": async (message) => {
      // Acked only once durable; an agent that disconnects first resends the batch (same seq).
      if (await this.#port.upsert(this, message)) this.send({ type: "insights.ack", seq: message.seq });
    },
    "insight.update.ack": (message) => this.#port.updateAck(this, message),
  } satisfies InsightHandlers;
}
