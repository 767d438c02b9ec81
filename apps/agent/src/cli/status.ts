import { keyFingerprint, publicKeyOf } from "@canopy/protocol";
import { openAgentStore, readCredentials, readPrivateKey } from "../identity/credentials.js";
import { ingestUrl } from "../ingest/ingest-address.js";
import { agentPaths } from "../core/paths.js";
import { isProcessAlive, readRuntimeRecord } from "../core/runtime-file.js";
import type { AgentState } from "../core/types.js";

export interface AgentStatus {
  dataDir: string;
  paired: boolean;
  agentId: string | null;
  tenantId: string | null;
  tenantName: string | null;
  hubUrl: string | null;
  pairedAt: string | null;
  /** Fingerprint of this agent's public key, as the hub's UI can show it. */
  keyFingerprint: string | null;
  /** Fingerprint of the pinned hub key. */
  hubKeyFingerprint: string | null;
  /** A `canopy-agent run` (or in-process agent) for this data dir is alive. */
  running: boolean;
  /** …and is online with the hub right now. */
  connected: boolean;
  /** Last state the running agent recorded, and since when; null when none is running. */
  state: AgentState | null;
  since: string | null;
  pid: number | null;
  /** The running agent's loopback ingest endpoint (token in `<dataDir>/ingest-token`); null when none. */
  ingestUrl: string | null;
  /** Set while the hub refuses the tenant's insights (its daily volume cap): they wait here, none lost. */
  insightsHeld: { reason: string; message: string; since: string; retryAt: string } | null;
}

/**
 * What `canopy-agent status` shows, read from the data dir without changing it, so it works
 * from another process while `run` is going.
 */
export async function readAgentStatus(options: { dataDir: string }): Promise<AgentStatus> {
  const paths = agentPaths(options.dataDir);
  const store = await openAgentStore(paths, { create: false });
  let credentials = null;
  if (store) {
    try {
      credentials = readCredentials(store, paths);
    } finally {
      await store.close();
    }
  }
  const privateKey = credentials ? await readPrivateKey(paths) : null;
  const runtime = await readRuntimeRecord(paths.runtimeFile);
  const live = runtime !== null && !["stopped", "unpaired", "replaced"].includes(runtime.state) && isProcessAlive(runtime.pid);
  return {
    dataDir: paths.dataDir,
    paired: credentials !== null && privateKey !== null,
    agentId: credentials?.agentId ?? null,
    tenantId: credentials?.tenantId ?? null,
    tenantName: credentials?.tenantName ?? null,
    hubUrl: credentials?.hubUrl ?? null,
    pairedAt: credentials?.pairedAt ?? null,
    keyFingerprint: privateKey ? keyFingerprint(publicKeyOf(privateKey)) : null,
    hubKeyFingerprint: credentials ? keyFingerprint(credentials.hubPublicKey) : null,
    running: live,
    connected: live && runtime.state === "online",
    state: live ? runtime.state : null,
    since: live ? runtime.since : null,
    pid: live ? runtime.pid : null,
    ingestUrl: live && runtime.ingestPort !== undefined ? ingestUrl(runtime.ingestPort) : null,
    insightsHeld: live ? (runtime.insightsHeld ?? null) : null,
  };
}
