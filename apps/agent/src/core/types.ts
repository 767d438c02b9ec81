import type { IngestResult } from "../insights/insight-store.js";
import type { AgentLogger } from "./logger.js";

/**
 * - `connecting`: dialling or in the handshake
 * - `online`: welcomed by the hub
 * - `offline`: between attempts, waiting out the backoff
 * - `stopped`: not running (before `start()`, after `stop()`, or the hub refused the credentials)
 * - `unpaired`: the hub revoked this agent; its credentials are wiped
 * - `replaced`: another connection with the same key took over
 */
export type AgentState = "connecting" | "online" | "offline" | "stopped" | "unpaired" | "replaced";

/** States an agent does not leave by itself. */
export const TERMINAL_STATES: ReadonlySet<AgentState> = new Set(["stopped", "unpaired", "replaced"]);

/** `AgentOptions.driftScanMs` when not given (and CANOPY_DRIFT_SCAN_MS unset). */
export const DEFAULT_DRIFT_SCAN_MS = 10_000;

export interface AgentOptions {
  /** The agent's home: `state/`, `agent-key.pem`, `runtime.json`. */
  dataDir: string;
  /** Upper bound of the reconnect backoff. Default 30 000 ms. */
  reconnectMaxMs?: number;
  /** A pino logger or anything with the same four methods. Default: silent. */
  logger?: AgentLogger;
  /**
   * How often applied files are compared with what was written (drift). Default 10 000 ms;
   * 0 checks only on start and after each welcome.
   */
  driftScanMs?: number;
  /**
   * Listen for insights on 127.0.0.1 at this port (0: any free port), token in
   * `<dataDir>/ingest-token`. Default: no ingest endpoint (`canopy-agent run` turns it on).
   */
  ingestPort?: number;
}

export type StopReason =
  /** `stop()` was called. */
  | "requested"
  /** The hub closed with 4001: it does not know this agent's key (credentials kept). */
  | "auth_failed"
  /** The hub closed with 4010: it speaks another protocol version. */
  | "unsupported_version"
  /** The connection ended and is not retried (a running agent always redials, so not in practice). */
  | "disconnected";

export interface AgentEvents {
  online: { hubUrl: string; tenantId: string; tenantName: string; sessionId: string };
  /** The connection ended (or could not be made) and will be retried after `retryInMs`. */
  offline: { code: number; reason: string; wasOnline: boolean; retryInMs: number; error: string | null };
  /** Credentials and key are already wiped when this fires. */
  unpaired: { reason: string };
  replaced: { code: number; reason: string };
  stopped: { reason: StopReason; message: string; code: number | null; error: string | null };
}
export type AgentEventName = keyof AgentEvents;

export interface Agent {
  readonly dataDir: string;
  readonly state: AgentState;
  /** Opens the state, then dials the hub. Rejects with `AgentCliError` (`not_paired`, …) if it cannot run. */
  start(): Promise<void>;
  /** Closes the connection (1000), clears every timer, records the state, closes the store. Idempotent. */
  stop(): Promise<void>;
  /** Subscribes to an event; returns the unsubscribe function. */
  on<E extends AgentEventName>(event: E, listener: (detail: AgentEvents[E]) => void): () => void;
  off<E extends AgentEventName>(event: E, listener: (detail: AgentEvents[E]) => void): void;
  /**
   * Resolves once `state` is reached (at once if it already is). Rejects after `timeoutMs`, or
   * as soon as the agent ends in another terminal state, since it would never get there.
   */
  waitFor(state: AgentState, timeoutMs?: number): Promise<void>;
  /** The ingest endpoint's port while running with `ingestPort`; null otherwise. */
  readonly ingestPort: number | null;
  /**
   * Stores insights from a source in the running agent (the same path as the ingest endpoint:
   * validated, revision bumped, on disk when it resolves, sent to the hub by the outbox).
   * Rejects when the agent is not running.
   */
  ingestInsights(values: unknown[], options?: { source?: string }): Promise<IngestResult>;
}
