import { createAgentRuntime } from "../core/agent.js";
import { forgetCredentials, loadIdentity, openAgentStore, type Credentials } from "./credentials.js";
import { AgentCliError } from "../core/errors.js";
import type { AgentLogger } from "../core/logger.js";
import { agentPaths, type AgentPaths } from "../core/paths.js";
import type { AgentEvents } from "../core/types.js";

export interface UnpairOptions {
  dataDir: string;
  /** Forget the credentials locally even when the hub cannot confirm (unreachable, refused, …). */
  force?: boolean;
  /** How long to wait for the hub's confirmation. Default 15 s. */
  timeoutMs?: number;
  logger?: AgentLogger;
}

export interface UnpairResult {
  tenantName: string | null;
  hubUrl: string | null;
  /** True when the hub revoked the key; false when `force` forgot it locally only. */
  confirmedByHub: boolean;
  /** Why the hub did not confirm, when it did not. */
  hubProblem: string | null;
}

const DEFAULT_UNPAIR_TIMEOUT_MS = 15_000;
const FORCE_HINT = "use --force to forget the credentials locally";

type Outcome =
  | { kind: "unpaired" }
  | { kind: "replaced" }
  | { kind: "stopped"; detail: AgentEvents["stopped"] };

async function forgetLocally(paths: AgentPaths): Promise<void> {
  const store = await openAgentStore(paths, { create: true });
  try {
    await forgetCredentials(store, paths);
  } finally {
    await store.close();
  }
}

/** One line saying why the hub did not confirm, ending with what to do. */
function hubProblem(outcome: Outcome, hubUrl: string, timeoutMs: number): string {
  if (outcome.kind === "replaced") return "another connection with the same key took over; stop canopy-agent run and try again";
  if (outcome.kind === "unpaired") return "";
  const { detail } = outcome;
  switch (detail.reason) {
    case "requested":
      return `the hub at ${hubUrl} did not confirm within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`;
    case "auth_failed":
      return `the hub at ${hubUrl} does not accept this agent's credentials any more`;
    case "unsupported_version":
      return `the hub at ${hubUrl} speaks another protocol version`;
    case "disconnected":
      return detail.code === 1006 && detail.error
        ? `hub unreachable at ${hubUrl} (${detail.error.match(/\b(E[A-Z]+)\b/)?.[1] ?? detail.error})`
        : `the hub at ${hubUrl} closed the connection before confirming (${detail.code ?? "no code"})`;
  }
}

/**
 * Unpairs from the agent's side: connects with the stored credentials, completes the handshake,
 * asks the hub to revoke this key and waits for its confirmation (unpair notice or close 4003),
 * which wipes the key and credentials. When the hub cannot confirm, the credentials are kept
 * unless `force` is set.
 */
export async function unpairAgent(options: UnpairOptions): Promise<UnpairResult> {
  const paths = agentPaths(options.dataDir);
  const timeoutMs = options.timeoutMs ?? DEFAULT_UNPAIR_TIMEOUT_MS;
  let credentials: Credentials;
  try {
    const identity = await loadIdentity(paths);
    credentials = identity.credentials;
    await identity.store.close();
  } catch (error) {
    // Half-written or damaged state cannot talk to the hub; --force still cleans it up.
    if (options.force && error instanceof AgentCliError && error.code === "damaged_state") {
      await forgetLocally(paths);
      return { tenantName: null, hubUrl: null, confirmedByHub: false, hubProblem: error.message };
    }
    throw error;
  }

  const session = createAgentRuntime({
    dataDir: paths.dataDir,
    reconnect: false,
    recordRuntime: false,
    syncContent: false,
    syncInsights: false,
    ...(options.logger ? { logger: options.logger } : {}),
    onWelcome: (socket) => socket.send({ type: "unpair", reason: "unpaired on the tenant with canopy-agent unpair" }),
  });
  const outcome = new Promise<Outcome>((resolve) => {
    session.on("unpaired", () => resolve({ kind: "unpaired" }));
    session.on("replaced", () => resolve({ kind: "replaced" }));
    session.on("stopped", (detail) => resolve({ kind: "stopped", detail }));
  });
  await session.start();
  const timer = setTimeout(() => void session.stop(), timeoutMs);
  const result = await outcome;
  clearTimeout(timer);
  await session.stop();

  const base = { tenantName: credentials.tenantName, hubUrl: credentials.hubUrl };
  if (result.kind === "unpaired") return { ...base, confirmedByHub: true, hubProblem: null };
  const problem = hubProblem(result, credentials.hubUrl, timeoutMs);
  if (!options.force) {
    const code = result.kind === "stopped" && result.detail.reason === "disconnected" ? "hub_unreachable" : "hub_refused";
    throw new AgentCliError(code, `${problem}; ${FORCE_HINT}`);
  }
  await forgetLocally(paths);
  return { ...base, confirmedByHub: false, hubProblem: problem };
}
