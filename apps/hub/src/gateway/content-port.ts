import type { AgentMessage, HubMessage } from "@canopy/protocol";
import type { AgentLogger } from "./agent-log.js";

/** The body of a `content.apply` frame, without its type. */
export type ApplyBatch = Omit<HubMessage<"content.apply">, "type">;

/**
 * One authenticated agent connection as the content side sees it (the gateway's `AgentSession`).
 * Its identity comes from the verified handshake only: the push side never trusts an id found in
 * a payload.
 */
export interface AgentLink {
  readonly tenantId: string;
  readonly agentId: string;
  /** The connection id: a reconnect is a new link, even for the same agent. */
  readonly sessionId: string;
  /** False once the connection is closing or closed. */
  readonly isOpen: boolean;
  /** The connection's log (agent text clipped by the caller, lines rate-limited per connection). */
  readonly log: AgentLogger;
  /** The agent said in its hello that it understands removals (`CONTENT_REMOVE_CAPABILITY`); absent: it does. */
  readonly removes?: boolean;
  /**
   * Sends `content.apply`; false when the connection is gone (the batch counts as lost).
   * `payload`: the frame's message already encoded (the same batch to many agents is encoded once).
   */
  apply(batch: ApplyBatch, payload?: Uint8Array): boolean;
}

/**
 * What the gateway tells the content side (the push side's `Reconciler` implements it): links
 * coming and going, and the agent's content messages, already decoded and validated.
 */
export interface ContentPort {
  /** The agent was welcomed; its `content.manifest` follows. */
  connected(link: AgentLink): void;
  /** The link is gone: whatever was in flight on it is lost. */
  disconnected(link: AgentLink): void;
  manifest(link: AgentLink, message: AgentMessage<"content.manifest">): void | Promise<void>;
  ack(link: AgentLink, message: AgentMessage<"content.ack">): void | Promise<void>;
  drift(link: AgentLink, message: AgentMessage<"content.drift">): void | Promise<void>;
}

/** For a gateway without a content side (tests of the handshake alone): content messages are ignored. */
export const ignoreContent: ContentPort = {
  connected: () => {},
  disconnected: () => {},
  manifest: () => {},
  ack: () => {},
  drift: () => {},
};
