import type { HubToAgent } from "@canopy/protocol";
import type { AgentLogger } from "./agent-log.js";
import type { Connection } from "./connection.js";

/**
 * One side (content, insights) of an authenticated session: the link a service holds to send to
 * this agent, open from the welcome until the session closes. Created only after the handshake
 * verified the agent, so the tenant it carries is the session's, never a payload's.
 */
export abstract class SessionChannel {
  readonly tenantId: string;
  readonly agentId: string;
  readonly sessionId: string;
  /** The connection's rate-limited log: what the services write about this agent's messages. */
  readonly log: AgentLogger;
  readonly #connection: Connection;
  #open = true;

  constructor(identity: { tenantId: string; agentId: string }, connection: Connection, log: AgentLogger) {
    this.tenantId = identity.tenantId;
    this.agentId = identity.agentId;
    this.sessionId = connection.id;
    this.#connection = connection;
    this.log = log;
  }

  get isOpen(): boolean {
    return this.#open;
  }

  /** The session was welcomed: the service may use this link. */
  abstract opened(): void;

  /** The session is closing or closed: nothing more is sent on it. Idempotent. */
  closed(): void {
    if (!this.#open) return;
    this.#open = false;
    this.released();
  }

  /** Tells the service the link is gone (once). */
  protected abstract released(): void;

  /** Sends if still open; false (logged) when the link is closed or the socket refused it. */
  protected send(message: HubToAgent): boolean {
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
