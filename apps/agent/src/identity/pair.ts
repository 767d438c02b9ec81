import {
  generateKeyPair,
  keyFingerprint,
  normalizePairingCode,
  PairErrorCode,
  PairResponse,
  type PairRequest,
} from "@canopy/protocol";
import { openAgentStore, putCredentials, readCredentials, writePrivateKey, type Credentials } from "./credentials.js";
import { queueAllForNewHub } from "../insights/insight-outbox.js";
import { AgentCliError } from "../core/errors.js";
import { hostDescription } from "../link/host.js";
import { normalizeHubUrl, pairUrl } from "../link/hub-url.js";
import { agentPaths } from "../core/paths.js";
import { removeWriteDebris } from "../content/write-debris.js";

export interface PairOptions {
  /** The hub's address as staff gave it, e.g. `https://hub.example.com`. */
  hubUrl: string;
  /** The pairing code (`ABCD-EFGH`; case, spaces and dashes do not matter). */
  code: string;
  dataDir: string;
  /** Pair again even though this data dir already holds credentials (they are replaced). */
  force?: boolean;
  /** How long to wait for the hub. Default 15 s. */
  timeoutMs?: number;
}

export interface PairResult extends Credentials {
  /** Fingerprint of this agent's new public key (what `status` shows). */
  keyFingerprint: string;
  hubKeyFingerprint: string;
}

const DEFAULT_PAIR_TIMEOUT_MS = 15_000;

/** The most telling part of a fetch failure: ECONNREFUSED, ENOTFOUND, "timed out", or the innermost message. */
function networkCode(error: unknown): string {
  let current: unknown = error;
  let innermost = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current.name === "TimeoutError") return "timed out";
    const code = (current as NodeJS.ErrnoException).code;
    if (code === "UND_ERR_CONNECT_TIMEOUT") return "connect timed out";
    if (typeof code === "string") return code;
    innermost = current.message;
    current = current.cause;
  }
  return innermost;
}

async function postPairRequest(hubUrl: string, body: PairRequest, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(pairUrl(hubUrl), {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, application/problem+json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
      redirect: "error",
    });
  } catch (error) {
    throw new AgentCliError("hub_unreachable", `hub unreachable at ${hubUrl} (${networkCode(error)})`, { cause: error });
  }
}

/** Turns a refusal into one line, preferring the hub's own words (problem+json `detail`). */
async function refusal(hubUrl: string, response: Response): Promise<AgentCliError> {
  let problem: { detail?: unknown; title?: unknown; code?: unknown } = {};
  try {
    const parsed: unknown = JSON.parse(await response.text());
    if (typeof parsed === "object" && parsed !== null) problem = parsed;
  } catch {
    // Not JSON: probably not a Canopy hub at this address; the status line says enough.
  }
  const pairErrorCode = PairErrorCode.safeParse(problem.code);
  const detail = typeof problem.detail === "string" && problem.detail ? problem.detail : typeof problem.title === "string" ? problem.title : "";
  const message = detail
    ? detail.split("\n")[0]!.slice(0, 300)
    : response.status === 404
      ? `${hubUrl} does not answer agent pairing (HTTP 404); is this the hub's address?`
      : `the hub at ${hubUrl} refused the pairing (HTTP ${response.status})`;
  return new AgentCliError("hub_refused", message, pairErrorCode.success ? { pairErrorCode: pairErrorCode.data } : {});
}

/**
 * Exchanges a one-time pairing code for this agent's identity: makes an Ed25519 key pair, sends
 * the public half to the hub, pins the hub's key it gets back, and stores both durably. Nothing
 * is written unless the hub accepted the code.
 */
export async function pairAgent(options: PairOptions): Promise<PairResult> {
  const code = normalizePairingCode(options.code);
  if (!code) {
    throw new AgentCliError("invalid_code", "that is not a pairing code: expected 8 letters and digits like ABCD-EFGH");
  }
  const hubUrl = normalizeHubUrl(options.hubUrl);
  const paths = agentPaths(options.dataDir);

  const existing = await openAgentStore(paths, { create: false });
  if (existing) {
    try {
      const paired = readCredentials(existing, paths);
      if (paired && !options.force) {
        throw new AgentCliError("already_paired", `already paired with tenant ${paired.tenantName}; run canopy-agent unpair first`);
      }
    } catch (error) {
      // Damaged credentials are exactly what --force is for.
      if (!(options.force && error instanceof AgentCliError && error.code === "damaged_state")) throw error;
    } finally {
      await existing.close();
    }
  }

  const keyPair = generateKeyPair();
  const response = await postPairRequest(hubUrl, { code, publicKey: keyPair.publicKey, ...hostDescription() }, options.timeoutMs ?? DEFAULT_PAIR_TIMEOUT_MS);
  if (response.status !== 201 && response.status !== 200) throw await refusal(hubUrl, response);
  let answer: PairResponse;
  try {
    answer = PairResponse.parse(await response.json());
  } catch (error) {
    throw new AgentCliError("invalid_response", `the hub at ${hubUrl} sent an invalid pairing answer`, { cause: error });
  }

  const credentials: Credentials = {
    agentId: answer.agentId,
    tenantId: answer.tenantId,
    tenantName: answer.tenantName,
    hubUrl,
    hubPublicKey: answer.hubPublicKey,
    pairedAt: new Date().toISOString(),
  };
  await removeWriteDebris(paths);
  // Key first: credentials without their key would be unusable, a key without credentials is inert.
  const store = await openAgentStore(paths, { create: true });
  try {
    await writePrivateKey(paths, keyPair.privateKeyPem);
    putCredentials(store, credentials);
    // Insights held from before (another tenant or hub) go to this hub from the first run on.
    queueAllForNewHub(store);
    await store.flush();
  } finally {
    await store.close();
  }
  return { ...credentials, keyFingerprint: keyFingerprint(keyPair.publicKey), hubKeyFingerprint: keyFingerprint(answer.hubPublicKey) };
}
