import type { AgentMessage, HubMessage, InsightUpdateRequest } from "@canopy/protocol";
import type { AgentLogger } from "./agent-log.js";

/**
 * One authenticated agent connection as the insight side sees it. Its tenant comes from the
 * verified handshake only: insights and acks are filed under it, whatever their payload says.
 */
export interface InsightLink {
  readonly tenantId: string;
  readonly agentId: string;
  /** The connection id: a reconnect is a new link. */
  readonly sessionId: string;
  /** False once the connection is closing or closed. */
  readonly isOpen: boolean;
  /** The connection's log (agent text clipped by the caller, lines rate-limited per connection). */
  readonly log: AgentLogger;
  /** Sends `insight.update` frames (chunked to the protocol's limit); false when the connection is gone. */
  sendUpdates(updates: readonly InsightUpdateRequest[]): boolean;
  /** Batch `seq` was not stored (the daily volume cap): the agent keeps it and waits. */
  refuseBatch(seq: number, refusal: Omit<HubMessage<"insights.refused">, "type" | "seq">): boolean;
  /** The tenant's settings the agent applies itself, or the word that held insights may come now. */
  notify(notice: HubMessage<"tenant.settings"> | HubMessage<"insights.resume">): boolean;
}

/** What the gateway tells the insight side (the hub's insight service implements it). */
export interface InsightPort {
  /** The agent was welcomed: resend its tenant's pending updates. */
  connected(link: InsightLink): void;
  disconnected(link: InsightLink): void;
  /** Applies a batch; resolves true once it is durable (then the session acks it). */
  upsert(link: InsightLink, message: AgentMessage<"insights.upsert">): Promise<boolean>;
  /** The agent applied (or refused) updates. */
  updateAck(link: InsightLink, message: AgentMessage<"insight.update.ack">): Promise<void>;
}

/** For a gateway without an insight side (tests of the handshake alone): nothing is kept or acked. */
export const ignoreInsights: InsightPort = {
  connected: () => {},
  disconnected: () => {},
  upsert: () => Promise.resolve(false),
  updateAck: () => Promise.resolve(),
};
