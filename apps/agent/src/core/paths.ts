import { join, resolve } from "node:path";

/** Where everything of one agent lives. One data dir = one agent identity. */
export interface AgentPaths {
  dataDir: string;
  /** lowdb partitions: credentials, content, insights. */
  stateDir: string;
  /** The agent's Ed25519 private key (PKCS#8 PEM, mode 0600). */
  keyFile: string;
  /** Written by a running agent on connect/disconnect, read by `status` from other processes. */
  runtimeFile: string;
  /** Where the filesystem adapter writes applied content, one folder per kind. */
  contentDir: string;
  /** The adapter settings (`canopy-agent adapter set`), re-read by a running agent for every batch. */
  adapterFile: string;
  /** The local ingest token (mode 0600), made by the first `run`; `insights import` reads it too. */
  ingestTokenFile: string;
}

export function agentPaths(dataDir: string): AgentPaths {
  const root = resolve(dataDir);
  return {
    dataDir: root,
    stateDir: join(root, "state"),
    keyFile: join(root, "agent-key.pem"),
    runtimeFile: join(root, "runtime.json"),
    contentDir: join(root, "content"),
    adapterFile: join(root, "adapter.json"),
    ingestTokenFile: join(root, "ingest-token"),
  };
}
