import type { Logger } from "pino";
import type { Clock } from "../core/clock.js";
import type { AuditLog } from "../domain/audit-log.js";
import type { HubData } from "../domain/hub-data.js";
import type { AgentBudgets } from "./agent-budgets.js";
import type { AgentMeter } from "./agent-meter.js";
import type { AgentSession } from "./agent-session.js";
import type { ContentPort } from "./content-port.js";
import type { InsightPort } from "./insight-port.js";
import type { LastSeenWriter } from "./last-seen.js";
import type { Presence } from "./presence.js";
import type { SessionRegistry } from "./session-registry.js";

/** Everything a session needs from the hub; built once by the gateway. */
export interface SessionContext {
  /** Agents and tenants (who is connecting), and a unit of work for an unpair or a last-seen. */
  data: HubData;
  audit: AuditLog;
  /** Makes earlier store changes durable (the store's flush). */
  flush(): Promise<void>;
  registry: SessionRegistry<AgentSession>;
  /** The content side (the push reconciler): links, manifests, acks, drift. */
  content: ContentPort;
  /** The insight side: batches from the agent, pending board changes to it. */
  insights: InsightPort;
  presence: Presence;
  clock: Clock;
  logger: Logger;
  heartbeatMs: number;
  handshakeTimeoutMs: number;
  rpcTimeoutMs: number;
  budgets: AgentBudgets;
  /** The tenant's budgets, shared by its connections (a reconnect does not refill them). */
  meterFor(tenantId: string): AgentMeter;
  /** A tenant's live state changed (online, offline, RTT, unpaired). */
  onTenantChanged(tenantId: string): void;
  /** The handshake is over (authenticated, refused or abandoned); called once. */
  onHandshakeEnded(session: AgentSession): void;
  /** The connection is gone; the session will do nothing more. */
  onSessionEnded(session: AgentSession): void;
  /** A write no one waits for (a last-seen time): the hub's shutdown waits for it before the store closes. */
  background(write: Promise<unknown>): void;
  /** Writes last-seen times, the disconnects of a turn together. */
  lastSeen: LastSeenWriter;
}

export interface PingResult {
  rttMs: number;
  agentVersion: string;
}
