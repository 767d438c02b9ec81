import type { KeyObject } from "node:crypto";
import { importPublicKey, type HubMessage } from "@canopy/protocol";
import { ContentSync } from "../content/content-sync.js";
import { removeWriteDebris } from "../content/write-debris.js";
import { AgentCliError } from "../core/errors.js";
import { withBindings, type AgentLogger } from "../core/logger.js";
import type { AgentPaths } from "../core/paths.js";
import { AGENT_VERSION } from "../core/version.js";
import { loadIdentity } from "../identity/credentials.js";
import { startIngestServer, type IngestServer } from "../ingest/ingest-server.js";
import { ensureIngestToken } from "../ingest/ingest-token.js";
import { InsightSync } from "../insights/insight-sync.js";
import { createBackoff } from "../link/backoff.js";
import { HubConnection, type Disconnected } from "../link/hub-connection.js";
import { connectUrl } from "../link/hub-url.js";
import { handleHubMessage } from "../link/message-handlers.js";
import { agentHandlers } from "./agent-handlers.js";
import type { AgentRuntimeOptions } from "./agent.js";
import type { Run } from "./run.js";

export interface RunSettings {
  options: AgentRuntimeOptions;
  paths: AgentPaths;
  logger: AgentLogger;
  reconnectMaxMs: number;
  driftScanMs: number;
}

/** What a run tells the lifecycle, which owns the state, runtime.json and the events. */
export interface RunCallbacks {
  dialling(): void;
  disconnected(run: Run, closed: Disconnected): void;
  /** The hub started or stopped holding insights back. */
  insightsHeld(run: Run): void;
  online(run: Run, welcome: HubMessage<"welcome">): void;
  revoked(run: Run, reason: string): void;
}

/**
 * Opens everything one `start()` needs, not started yet: the write debris cleared, the identity
 * loaded, the insights, the ingest endpoint (`ingestPort` set), the content queue and the
 * connection, whose messages go to the handlers. Throws `AgentCliError` with the store closed
 * again when the agent cannot run.
 */
export async function openRun(settings: RunSettings, callbacks: RunCallbacks): Promise<Run> {
  const { options, paths } = settings;
  // Before the store opens: what a killed process left half-written goes first.
  await removeWriteDebris(paths, settings.logger);
  const { store, credentials, privateKey } = await loadIdentity(paths);
  let hubKey: KeyObject;
  try {
    hubKey = importPublicKey(credentials.hubPublicKey);
  } catch (error) {
    await store.close();
    throw new AgentCliError("damaged_state", "the stored hub key is not valid; pair again with canopy-agent pair --force", { cause: error });
  }
  const logger = withBindings(settings.logger, { agentId: credentials.agentId });
  const insights = new InsightSync({
    store,
    logger,
    ...(options.outboxWindow ? { outboxWindow: options.outboxWindow } : {}),
    retentionCheckMs: options.retentionCheckMs,
    onHeld: () => callbacks.insightsHeld(run),
  });
  let ingest: IngestServer | null = null;
  if (options.ingestPort !== undefined) {
    try {
      ingest = await startIngestServer({
        port: options.ingestPort,
        token: await ensureIngestToken(paths.ingestTokenFile),
        logger,
        ingest: (values, source) => insights.ingest(values, source),
      });
    } catch (error) {
      await store.close();
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === "EADDRINUSE" ? `port ${options.ingestPort} is in use` : error instanceof Error ? error.message : String(error);
      throw new AgentCliError("ingest_unavailable", `could not open the insight ingest endpoint on 127.0.0.1: ${why}; choose another with --ingest-port or CANOPY_INGEST_PORT`, { cause: error });
    }
    logger.info({ url: ingest.url }, "insight ingest endpoint listening");
  }
  // The connection's callbacks only run after `run` and `context` exist (dialling starts later).
  const connection = new HubConnection({
    url: connectUrl(credentials.hubUrl),
    hubKey,
    userAgent: `canopy-agent/${AGENT_VERSION}`,
    logger,
    backoff: createBackoff({ maxMs: settings.reconnectMaxMs }),
    reconnect: true,
    onDial: () => callbacks.dialling(),
    onMessage: (message, socket) => {
      if (!run.ending) handleHubMessage(message, socket, context);
    },
    onDisconnect: (closed) => callbacks.disconnected(run, closed),
  });
  const run: Run = {
    store,
    credentials,
    privateKey,
    connection,
    content: new ContentSync({ store, paths, logger, driftScanMs: settings.driftScanMs }),
    insights,
    ingest,
    logger,
    startedAt: new Date(),
    connectedSince: null,
    ending: undefined,
    runtimeWrites: Promise.resolve(),
  };
  const context = agentHandlers(run, {
    online: (welcome) => callbacks.online(run, welcome),
    revoked: (reason) => callbacks.revoked(run, reason),
  });
  return run;
}
