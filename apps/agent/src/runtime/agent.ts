import { CloseCode, type HubMessage } from "@canopy/protocol";
import { TypedEmitter } from "../core/events.js";
import { silentLogger, withBindings } from "../core/logger.js";
import { agentPaths } from "../core/paths.js";
import { writeRuntimeRecord } from "../core/runtime-file.js";
import { DEFAULT_DRIFT_SCAN_MS, TERMINAL_STATES, type Agent, type AgentEvents, type AgentOptions, type AgentState, type StopReason } from "../core/types.js";
import { forgetCredentials } from "../identity/credentials.js";
import { DEFAULT_RECONNECT_MAX_MS } from "../link/backoff.js";
import { describeCloseError, type Disconnected } from "../link/hub-connection.js";
import { openRun } from "./open-run.js";
import type { Run } from "./run.js";

/** Options for tests that need a smaller window or a faster retention clock. */
export interface AgentRuntimeOptions extends AgentOptions {
  /** Unacked insight batches at most (default 4). */
  outboxWindow?: number;
  /** Between retention purges of the local insights (default hourly). */
  retentionCheckMs?: number;
}

const DEFAULT_WAIT_MS = 30_000;

/** A tenant agent running in this process. See `AgentOptions`; nothing here is process-global. */
export function createAgent(options: AgentOptions): Agent {
  return createAgentRuntime(options);
}

/**
 * The lifecycle: states and events, `start` (openRun, then dial), what each close means, and
 * ending a run exactly once. What the hub's messages do is in agent-handlers.ts.
 */
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
      await run.content.stop();
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
    const detail = { reason, message, code: closed?.code ?? null, error: describeCloseError(closed?.error) };
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
          { code: closed.code, reason, err: describeCloseError(closed.error), retryInMs: closed.retryInMs },
          wasOnline ? "lost the hub; reconnecting" : "could not connect to the hub; retrying",
        );
        emitter.emit("offline", { code: closed.code, reason, wasOnline, retryInMs: closed.retryInMs, error: describeCloseError(closed.error) });
    }
  }

  /** The hub welcomed the run: online, recorded, announced. */
  function online(run: Run, welcome: HubMessage<"welcome">): void {
    run.logger.info({ tenantId: welcome.tenantId, sessionId: welcome.sessionId }, "online");
    setState("online");
    recordRuntime(run, "online");
    emitter.emit("online", {
      hubUrl: run.credentials.hubUrl,
      tenantId: welcome.tenantId,
      tenantName: welcome.tenantName,
      sessionId: welcome.sessionId,
    });
  }

  function start(): Promise<void> {
    if (current || starting) return Promise.reject(new Error("agent is already running"));
    starting = open().finally(() => (starting = undefined));
    return starting;
  }

  async function open(): Promise<void> {
    const run = await openRun(
      { options, paths, logger: baseLogger, reconnectMaxMs, driftScanMs },
      {
        dialling: () => setState("connecting"),
        disconnected: (run, closed) => onDisconnect(run, closed),
        // `status` shows the hold (runtime.json is rewritten when it starts and ends, not per batch).
        insightsHeld: (run) => {
          if (current === run && !run.ending) recordRuntime(run, state);
        },
        online: (run, welcome) => online(run, welcome),
        revoked: (run, reason) => void revoke(run, reason),
      },
    );
    current = run;
    setState("connecting");
    recordRuntime(run, "connecting");
    run.logger.info({ hubUrl: run.credentials.hubUrl }, "agent starting");
    run.content.start();
    run.insights.retention.start();
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
