import type { HubMessage } from "@canopy/protocol";
import { updateTenantName } from "../identity/credentials.js";
import type { HandlerContext } from "../link/message-handlers.js";
import type { Run } from "./run.js";
import { collectSystemInfo } from "./system-info.js";

/** What the handlers report back to the lifecycle, which owns the state and the events. */
export interface RunSignals {
  /** The hub welcomed this run: the agent is online. */
  online(welcome: HubMessage<"welcome">): void;
  /** The hub revoked this agent (unpair notice): wipe and end. */
  revoked(reason: string): void;
}

/** What the hub's messages do in a running agent: each one handed to the part that owns it. */
export function agentHandlers(run: Run, signals: RunSignals): HandlerContext {
  return {
    logger: run.logger,
    agentId: run.credentials.agentId,
    privateKey: run.privateKey,
    rpc: {
      systemInfo: () => collectSystemInfo({ store: run.store, startedAt: run.startedAt, connectedSince: run.connectedSince }),
      insight: (id) => run.insights.insights.get(id),
    },
    welcomed: (welcome, socket) => {
      run.connectedSince = new Date();
      run.connection.markHealthy();
      if (welcome.tenantName !== run.credentials.tenantName) {
        // Staff renamed the tenant: keep `status` truthful (one coalesced write, not per message).
        run.credentials = { ...run.credentials, tenantName: welcome.tenantName };
        updateTenantName(run.store, welcome.tenantName);
      }
      signals.online(welcome);
      run.content.welcomed(socket);
      run.insights.welcomed(socket);
    },
    revoked: (reason) => signals.revoked(reason),
    applyContent: (batch, socket) => run.content.apply(batch, socket),
    insightsAcked: (seq) => run.insights.acked(seq),
    applyInsightUpdates: (message, socket) => run.insights.applyUpdates(message, socket),
    insightsRefused: (message) => run.insights.outbox.refused(message.seq, message),
    insightsResumed: () => run.insights.outbox.resume(),
    tenantSettings: (message) => run.insights.retention.received(message.retentionDays),
  };
}
