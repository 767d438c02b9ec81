import type { KeyObject } from "node:crypto";
import { CloseCode, importPublicKey, type HubMessage } from "@canopy/protocol";
import type { Store } from "@canopy/store";
import { createBackoff, DEFAULT_RECONNECT_MAX_MS } from "../link/backoff.js";
import { ContentSync } from "../content/content-sync.js";
import { forgetCredentials, loadIdentity, updateTenantName, type Credentials } from "../identity/credentials.js";
import { AgentCliError } from "./errors.js";
import { TypedEmitter } from "./events.js";
import { HubConnection, type Disconnected } from "../link/hub-connection.js";
import type { HubSocket } from "../link/hub-socket.js";
import { connectUrl } from "../link/hub-url.js";
import { silentLogger, withBindings, type AgentLogger } from "./logger.js";
import { ensureIngestToken } from "../ingest/ingest-token.js";
import { startIngestServer, type IngestServer } from "../ingest/ingest-server.js";
import { InsightSync } from "../insights/insight-sync.js";
import { handleHubMessage, type HandlerContext } from "../link/message-handlers.js";
import { agentPaths } from "./paths.js";
import { writeRuntimeRecord } from "./runtime-file.js";
import { collectSystemInfo } from "./system-info.js";
import { DEFAULT_DRIFT_SCAN_MS, TERMINAL_STATES, type Agent, type AgentEvents, type AgentOptions, type AgentState, type StopReason } from "./types.js";
import { AGENT_VERSION } from "./version.js";
import { removeWriteDebris } from "../content/write-debris.js";

/** Options only the package itself uses (single-shot sessions for `unpairAgent`). */
export interface AgentRuntimeOptions extends AgentOptions {
  /** Default true. False: the first disconnect ends the agent with `stopped` / `disconnected`. */
  reconnect?: boolean;
  /** Called after each welcome, once the agent is online. */
  onWelcome?: (socket: HubSocket) => void;
  /** Default true. False keeps a short-lived session from overwriting a running agent's runtime.json. */
  recordRuntime?: boolean;
  /** Default true. False: no manifest, no drift scans, content batches ignored (short-lived sessions). */
  syncContent?: boolean;
  /** Default true. False: the outbox sends nothing and insight updates are left for the next run. */
  syncInsights?: boolean;
  /** Unacked insight batches at most (default 4). */
  outboxWindow?: number;
  /** Between retention purges of the local insights (default hourly). */
  retentionCheckMs?: number;
}

/** Everything one `start()` opened; dropped again when the agent ends. */
interface Run {
  store: Store;
  credentials: Credentials;
  privateKey: KeyObject;
  connection: HubConnection;
  /** Applies content, reports the manifest, watches for drift; null in short-lived sessions. */
  content: ContentSync | null;
  /** The tenant's insights: store, outbox, board changes. */
  insights: InsightSync;
  /** The loopback ingest endpoint (`ingestPort` set); null otherwise. */
  ingest: IngestServer | null;
  logger: AgentLogger;
  startedAt: Date;
  connectedSince: Date | null;
  /** Set once the agent is ending; later events of this run are ignored. */
  ending: Promise<void> | undefined;
  /** runtime.json writes, chained so they land in order. */
  runtimeWrites: Promise<void>;
}

const DEFAULT_WAIT_MS = 30_000;

function describeError(error: Error | undefined): string | null {
  if (!error) return null;
  const code = (error as NodeJS.ErrnoException).code;
  return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}

/** A tenant agent running in this process. See `AgentOptions`; nothing here is process-global. */
export function createAgent(options: AgentOptions): Agent {
  return createAgentRuntime(options);
}

export function createAgentRuntime(options: AgentRuntimeOptions): Agent {
  const paths = agentPaths(options.dataDir);
  const reconnectMaxMs = options.reconnectMaxMs ?? DEFAULT_RECONNECT_MAX_MS;
  if (!Number.isFinite(reconnectMaxMs) || reconnectMaxMs <= 0) throw new RangeError("reconnectMaxMs must be a positive number");
  const driftScanMs = options.driftScanMs ?? DEFAULT_DRIFT_SCAN_MS;
  if (!Number.isFinite(driftScanMs) || driftScanMs < 0) throw new RangeError("driftScanMs must be zero or a positive number");
  const baseLogger = withBindings(options.logger ?? silentLogger, { dataDir: paths.dataDir });
  const emitter = new TypedEmitter<AgentEvents>((error) =>
    baseLogger.error({ err: error instanceof Error ? error.message : String(error) }, "an agent event listener threw"),
  );
  const stateListeners = new Set<(state: AgentState) => void>();
  let state: AgentState = "stopped";
  let current: Run | undefined;
  let starting: Promise<void> | undefined;

  function setState(next: AgentState): void {
    if (state === next) return;
    state = next;
    for (const listener of Array.from(stateListeners)) listener(next);
  }

  function recordRuntime(run: Run, recorded: AgentState): void {
    if (options.recordRuntime === false) return;
    const record = {
      pid: process.pid,
      state: recorded,
      since: new Date().toISOString(),
      hubUrl: run.credentials.hubUrl,
      // Gone from the record once stopped: an import then writes the store itself.
      ...(run.ingest && !TERMINAL_STATES.has(recorded) ? { ingestPort: run.ingest.port } : {}),
      ...(run.insights.outbox.held && !TERMINAL_STATES.has(recorded) ? { insightsHeld: run.insights.outbox.held } : {}),
    };
    run.runtimeWrites = run.runtimeWrites
      .then(() => writeRuntimeRecord(paths.runtimeFile, record))
      .catch((error: unknown) => run.logger.warn({ err: String(error) }, "could not write runtime.json"));
  }

  /** Ends a run exactly once: close the link, wipe if revoked, record, close the store, announce. */
  function end(run: Run, final: "stopped" | "unpaired" | "replaced", wipe: boolean, announce: () => void): Promise<void> {
    run.ending ??= (async () => {
      // No new insights from outside while the store is closing.
      await run.ingest?.close();
      await run.connection.stop(CloseCode.normal, final === "unpaired" ? "unpaired" : "agent stopping");
      // A batch being applied stops between items (unacked: the hub resends it); what it applied is kept.
      await run.content?.stop();
      // Unacked and queued insights stay on disk; the next run sends them.
      await run.insights.stop();
      if (wipe) {
        try {
          await forgetCredentials(run.store, paths);
        } catch (error) {
          run.logger.error({ err: String(error) }, "could not wipe the credentials");
        }
      }
      recordRuntime(run, final);
      await run.runtimeWrites;
      try {
        await run.store.close();
      } catch (error) {
        run.logger.error({ err: String(error) }, "could not flush the agent state");
      }
      if (current === run) current = undefined;
      run.logger.info({ state: final }, "agent ended");
      setState(final);
      announce();
    })();
    return run.ending;
  }

  function stopFor(run: Run, reason: StopReason, message: string, closed: Disconnected | null): Promise<void> {
    const detail = { reason, message, code: closed?.code ?? null, error: describeError(closed?.error) };
    return end(run, "stopped", false, () => emitter.emit("stopped", detail));
  }

  function revoke(run: Run, reason: string): Promise<void> {
    run.logger.warn({ reason }, "the hub revoked this agent; wiping its credentials");
    return end(run, "unpaired", true, () => emitter.emit("unpaired", { reason }));
  }

  function onDisconnect(run: Run, closed: Disconnected): void {
    if (run.ending) return;
    const wasOnline = state === "online";
    run.connectedSince = null;
    const reason = closed.reason;
    switch (closed.advice) {
      case "forget-credentials":
        void revoke(run, reason || "revoked by the hub");
        return;
      case "stop":
        if (closed.code === CloseCode.replaced) {
          run.logger.warn({ code: closed.code }, "replaced by another connection with the same key");
          void end(run, "replaced", false, () => emitter.emit("replaced", { code: closed.code, reason }));
        } else if (closed.code === CloseCode.unsupportedVersion) {
          void stopFor(run, "unsupported_version", "the hub speaks another protocol version; upgrade canopy-agent", closed);
        } else {
          const why = reason ? ` (${reason})` : "";
          void stopFor(run, "auth_failed", `the hub refused this agent's credentials${why}; pair again with canopy-agent pair --force`, closed);
        }
        return;
      case "reconnect":
        if (closed.retryInMs === null) {
          const why = closed.opened ? `the hub closed the connection (${closed.code}${reason ? ` ${reason}` : ""})` : "could not reach the hub";
          void stopFor(run, "disconnected", why, closed);
          return;
        }
        setState("offline");
        if (wasOnline) recordRuntime(run, "offline");
        run.logger[wasOnline ? "warn" : "debug"](
          { code: closed.code, reason, err: describeError(closed.error), retryInMs: closed.retryInMs },
          wasOnline ? "lost the hub; reconnecting" : "could not connect to the hub; retrying",
        );
        emitter.emit("offline", { code: closed.code, reason, wasOnline, retryInMs: closed.retryInMs, error: describeError(closed.error) });
    }
  }

  function handlerContext(run: Run): HandlerContext {
    return {
      logger: run.logger,
      agentId: run.credentials.agentId,
      privateKey: run.privateKey,
      rpc: {
        systemInfo: () => collectSystemInfo({ store: run.store, startedAt: run.startedAt, connectedSince: run.connectedSince }),
        insight: (id) => run.insights.insights.get(id),
      },
      welcomed: (welcome: HubMessage<"welcome">, socket: HubSocket) => {
        run.connectedSince = new Date();
        run.connection.markHealthy();
        if (welcome.tenantName !== run.credentials.tenantName) {
          // Staff renamed the tenant: keep `status` truthful (one coalesced write, not per message).
          run.credentials = { ...run.credentials, tenantName: welcome.tenantName };
          updateTenantName(run.store, welcome.tenantName);
        }
        run.logger.info({ tenantId: welcome.tenantId, sessionId: welcome.sessionId }, "online");
        setState("online");
        recordRuntime(run, "online");
        emitter.emit("online", {
          hubUrl: run.credentials.hubUrl,
          tenantId: welcome.tenantId,
          tenantName: welcome.tenantName,
          sessionId: welcome.sessionId,
        });
        run.content?.welcomed(socket);
        if (options.syncInsights !== false) run.insights.welcomed(socket);
        options.onWelcome?.(socket);
      },
      revoked: (reason: string) => void revoke(run, reason),
      applyContent: (batch, socket) => {
        if (run.content) run.content.apply(batch, socket);
        else run.logger.debug({ batchId: batch.batchId }, "content batch ignored in a short-lived session");
      },
      insightsAcked: (seq) => run.insights.acked(seq),
      applyInsightUpdates: async (message, socket) => {
        // Left unacked in a short-lived session: the hub resends it to the next run.
        if (options.syncInsights === false) return;
        await run.insights.applyUpdates(message, socket);
      },
      insightsRefused: (message) => {
        if (options.syncInsights === false) return;
        run.insights.outbox.refused(message.seq, message);
      },
      insightsResumed: () => {
        if (options.syncInsights === false) return;
        run.insights.outbox.resume();
      },
      tenantSettings: async (message) => {
        if (options.syncInsights === false) return;
        await run.insights.retention.received(message.retentionDays);
      },
    };
  }

  function start(): Promise<void> {
    if (current || starting) return Promise.reject(new Error("agent is already running"));
    starting = open().finally(() => (starting = undefined));
    return starting;
  }

  async function open(): Promise<void> {
    // Before the store opens: what a killed process left half-written goes first.
    await removeWriteDebris(paths, baseLogger);
    const { store, credentials, privateKey } = await loadIdentity(paths);
    let hubKey: KeyObject;
    try {
      hubKey = importPublicKey(credentials.hubPublicKey);
    } catch (error) {
      await store.close();
      throw new AgentCliError("damaged_state", "the stored hub key is not valid; pair again with canopy-agent pair --force", { cause: error });
    }
    const logger = withBindings(baseLogger, { agentId: credentials.agentId });
    const insights = new InsightSync({
      store,
      logger,
      ...(options.outboxWindow ? { outboxWindow: options.outboxWindow } : {}),
      retentionCheckMs: options.retentionCheckMs,
      // `status` shows the hold (runtime.json is rewritten when it starts and ends, not per batch).
      onHeld: () => {
        if (current && !current.ending) recordRuntime(current, state);
      },
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
    // The connection's callbacks only run after `run` and `context` exist (dialling starts below).
    const connection = new HubConnection({
      url: connectUrl(credentials.hubUrl),
      hubKey,
      userAgent: `canopy-agent/${AGENT_VERSION}`,
      logger,
      backoff: createBackoff({ maxMs: reconnectMaxMs }),
      reconnect: options.reconnect ?? true,
      onDial: () => setState("connecting"),
      onMessage: (message, socket) => {
        if (!run.ending) handleHubMessage(message, socket, context);
      },
      onDisconnect: (closed) => onDisconnect(run, closed),
    });
    const run: Run = {
      store,
      credentials,
      privateKey,
      connection,
      content: options.syncContent === false ? null : new ContentSync({ store, paths, logger, driftScanMs }),
      insights,
      ingest,
      logger,
      startedAt: new Date(),
      connectedSince: null,
      ending: undefined,
      runtimeWrites: Promise.resolve(),
    };
    const context = handlerContext(run);
    current = run;
    setState("connecting");
    recordRuntime(run, "connecting");
    logger.info({ hubUrl: credentials.hubUrl }, "agent starting");
    run.content?.start();
    if (options.syncInsights !== false) run.insights.retention.start();
    run.connection.start();
  }

  async function stop(): Promise<void> {
    // A stop() racing a start() still stops what that start opens.
    await starting?.catch(() => {});
    const run = current;
    if (!run) return;
    await stopFor(run, "requested", "stopped", null);
  }

  function waitFor(target: AgentState, timeoutMs = DEFAULT_WAIT_MS): Promise<void> {
    if (state === target) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (error?: Error) => {
        clearTimeout(timer);
        stateListeners.delete(listener);
        if (error) reject(error);
        else resolve();
      };
      const listener = (next: AgentState) => {
        if (next === target) done();
        else if (TERMINAL_STATES.has(next)) done(new Error(`agent is ${next}; it will not become ${target}`));
      };
      const timer = setTimeout(() => done(new Error(`agent did not become ${target} within ${timeoutMs} ms (it is ${state})`)), timeoutMs);
      stateListeners.add(listener);
    });
  }

  return {
    dataDir: paths.dataDir,
    get state() {
      return state;
    },
    get ingestPort() {
      return current?.ingest?.port ?? null;
    },
    async ingestInsights(values, ingestOptions = {}) {
      const run = current;
      if (!run || run.ending) throw new Error("the agent is not running");
      return run.insights.ingest(values, ingestOptions.source ?? "ingest");
    },
    start,
    stop,
    on: (event, listener) => emitter.on(event, listener),
    off: (event, listener) => emitter.off(event, listener),
    waitFor,
  };
}
