import type { KeyObject } from "node:crypto";
import { importPublicKey } from "@canopy/protocol";
import { removeWriteDebris } from "../content/write-debris.js";
import { AgentCliError } from "../core/errors.js";
import { silentLogger, withBindings, type AgentLogger } from "../core/logger.js";
import { agentPaths, type AgentPaths } from "../core/paths.js";
import { forgetCredentials, loadIdentity, openAgentStore, type AgentIdentity } from "./credentials.js";
import { requestUnpair, type UnpairOutcome } from "./unpair-session.js";

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

async function forgetLocally(paths: AgentPaths): Promise<void> {
  const store = await openAgentStore(paths, { create: true });
  try {
    await forgetCredentials(store, paths);
  } finally {
    await store.close();
  }
}

/** One line saying why the hub did not confirm, ending with what to do. */
function hubProblem(outcome: Exclude<UnpairOutcome, { kind: "unpaired" }>, hubUrl: string, timeoutMs: number): string {
  switch (outcome.kind) {
    case "replaced":
      return "another connection with the same key took over; stop canopy-agent run and try again";
    case "timeout":
      return `the hub at ${hubUrl} did not confirm within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`;
    case "refused":
      return outcome.why === "auth_failed"
        ? `the hub at ${hubUrl} does not accept this agent's credentials any more`
        : `the hub at ${hubUrl} speaks another protocol version`;
    case "disconnected":
      return outcome.code === 1006 && outcome.error
        ? `hub unreachable at ${hubUrl} (${outcome.error.match(/\b(E[A-Z]+)\b/)?.[1] ?? outcome.error})`
        : `the hub at ${hubUrl} closed the connection before confirming (${outcome.code})`;
  }
}

/** Asks the hub over its own short session; on its confirmation the key and credentials are wiped. */
async function unpairWithHub(paths: AgentPaths, identity: AgentIdentity, options: UnpairOptions, timeoutMs: number): Promise<UnpairOutcome> {
  const { store, credentials, privateKey } = identity;
  const logger = withBindings(options.logger ?? silentLogger, { dataDir: paths.dataDir, agentId: credentials.agentId });
  try {
    let hubKey: KeyObject;
    try {
      hubKey = importPublicKey(credentials.hubPublicKey);
    } catch (error) {
      throw new AgentCliError("damaged_state", "the stored hub key is not valid; pair again with canopy-agent pair --force", { cause: error });
    }
    const outcome = await requestUnpair({ credentials, privateKey, hubKey, logger, timeoutMs });
    if (outcome.kind === "unpaired") {
      logger.warn({ reason: outcome.reason }, "the hub revoked this agent; wiping its credentials");
      try {
        await forgetCredentials(store, paths);
      } catch (error) {
        logger.error({ err: String(error) }, "could not wipe the credentials");
      }
    }
    return outcome;
  } finally {
    try {
      await store.close();
    } catch (error) {
      logger.error({ err: String(error) }, "could not flush the agent state");
    }
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
  // Like every start: what a killed process left half-written goes before the store opens.
  await removeWriteDebris(paths, options.logger);
  let identity: AgentIdentity;
  try {
    identity = await loadIdentity(paths);
  } catch (error) {
    // Half-written or damaged state cannot talk to the hub; --force still cleans it up.
    if (options.force && error instanceof AgentCliError && error.code === "damaged_state") {
      await forgetLocally(paths);
      return { tenantName: null, hubUrl: null, confirmedByHub: false, hubProblem: error.message };
    }
    throw error;
  }
  const { credentials } = identity;
  const result = await unpairWithHub(paths, identity, options, timeoutMs);

  const base = { tenantName: credentials.tenantName, hubUrl: credentials.hubUrl };
  if (result.kind === "unpaired") return { ...base, confirmedByHub: true, hubProblem: null };
  const problem = hubProblem(result, credentials.hubUrl, timeoutMs);
  if (!options.force) {
    const code = result.kind === "disconnected" ? "hub_unreachable" : "hub_refused";
    throw new AgentCliError(code, `${problem}; ${FORCE_HINT}`);
  }
  await forgetLocally(paths);
  return { ...base, confirmedByHub: false, hubProblem: problem };
}
