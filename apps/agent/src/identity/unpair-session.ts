import type { KeyObject } from "node:crypto";
import { CloseCode } from "@canopy/protocol";
import type { AgentLogger } from "../core/logger.js";
import { AGENT_VERSION } from "../core/version.js";
import { createBackoff, DEFAULT_RECONNECT_MAX_MS } from "../link/backoff.js";
import { describeCloseError, HubConnection, type Disconnected } from "../link/hub-connection.js";
import { connectUrl } from "../link/hub-url.js";
import { handleHubMessage, type HandlerContext } from "../link/message-handlers.js";
import type { Credentials } from "./credentials.js";

/** How an unpair request ended. Only `unpaired` means the hub revoked the key. */
export type UnpairOutcome =
  | { kind: "unpaired"; reason: string }
  | { kind: "replaced" }
  | { kind: "timeout" }
  | { kind: "refused"; why: "auth_failed" | "unsupported_version" }
  | { kind: "disconnected"; code: number; error: string | null };

export interface UnpairSessionOptions {
  credentials: Credentials;
  privateKey: KeyObject;
  hubKey: KeyObject;
  logger: AgentLogger;
  /** How long to wait for the hub's confirmation. */
  timeoutMs: number;
}

const UNPAIR_REASON = "unpaired on the tenant with canopy-agent unpair";

function outcomeOf(closed: Disconnected): UnpairOutcome {
  switch (closed.advice) {
    case "forget-credentials":
      return { kind: "unpaired", reason: closed.reason || "revoked by the hub" };
    case "stop":
      if (closed.code === CloseCode.replaced) return { kind: "replaced" };
      return { kind: "refused", why: closed.code === CloseCode.unsupportedVersion ? "unsupported_version" : "auth_failed" };
    case "reconnect":
      return { kind: "disconnected", code: closed.code, error: describeCloseError(closed.error) };
  }
}

/**
 * One connection that only unpairs: the handshake, then `unpair`, then the hub's confirmation
 * (an unpair notice or close 4003). Never redials. Nothing else the hub sends is acted on:
 * content and insight messages stay unacked, so the hub resends them to the next run.
 * Resolves once the connection is closed; the caller wipes the credentials.
 */
export async function requestUnpair(options: UnpairSessionOptions): Promise<UnpairOutcome> {
  const { credentials, privateKey, logger } = options;
  let settle!: (outcome: UnpairOutcome) => void;
  const ended = new Promise<UnpairOutcome>((resolve) => (settle = resolve));
  let outcome: UnpairOutcome | undefined;
  const finish = (result: UnpairOutcome) => {
    if (outcome) return;
    outcome = result;
    settle(result);
  };
  const ignored = () => {};
  const unpairing = (): never => {
    throw new Error("this agent is unpairing");
  };
  const context: HandlerContext = {
    logger,
    agentId: credentials.agentId,
    privateKey,
    // Answered `ok: false` (the session holds no running agent's state to read from).
    rpc: { systemInfo: unpairing, insight: unpairing },
    welcomed: (_welcome, socket) => socket.send({ type: "unpair", reason: UNPAIR_REASON }),
    revoked: (reason) => finish({ kind: "unpaired", reason }),
    applyContent: (batch) => logger.debug({ batchId: batch.batchId }, "content batch left for the next run"),
    insightsAcked: ignored,
    applyInsightUpdates: async () => {},
    insightsRefused: ignored,
    insightsResumed: ignored,
    tenantSettings: async () => {},
  };
  const connection = new HubConnection({
    url: connectUrl(credentials.hubUrl),
    hubKey: options.hubKey,
    userAgent: `canopy-agent/${AGENT_VERSION}`,
    logger,
    backoff: createBackoff({ maxMs: DEFAULT_RECONNECT_MAX_MS }),
    reconnect: false,
    onDial: ignored,
    onMessage: (message, socket) => {
      if (!outcome) handleHubMessage(message, socket, context);
    },
    onDisconnect: (closed) => finish(outcomeOf(closed)),
  });
  connection.start();
  const timer = setTimeout(() => finish({ kind: "timeout" }), options.timeoutMs);
  const result = await ended;
  clearTimeout(timer);
  await connection.stop(CloseCode.normal, result.kind === "unpaired" ? "unpaired" : "agent stopping");
  return result;
}
