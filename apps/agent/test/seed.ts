import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPair } from "@canopy/protocol";
import { openAgentStore, putCredentials, writePrivateKey } from "../src/identity/credentials.js";
import { agentPaths } from "../src/core/paths.js";
import type { FakeHub } from "./fake-hub.js";

/** A fresh data dir; `cleanup()` removes it. */
export async function tempDataDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "canopy-agent-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

type SeedDoc = { id: string } & Record<string, unknown>;

/**
 * Writes what a successful pairing with `hub` would have written, and registers the key with it.
 * `collections` adds documents other features would have stored (e.g. `content`).
 */
export async function seedPairedAgent(dataDir: string, hub: FakeHub, collections: Record<string, SeedDoc[]> = {}): Promise<{ agentId: string }> {
  const keys = generateKeyPair();
  const agentId = `ag_${randomBytes(8).toString("hex")}`;
  hub.agents.set(agentId, keys.publicKey);
  const paths = agentPaths(dataDir);
  const store = await openAgentStore(paths, { create: true });
  await writePrivateKey(paths, keys.privateKeyPem);
  putCredentials(store, {
    agentId,
    tenantId: "tn_tenant0001",
    tenantName: hub.options.tenantName,
    hubUrl: hub.url,
    hubPublicKey: hub.keyPair.publicKey,
    pairedAt: new Date().toISOString(),
  });
  for (const [name, docs] of Object.entries(collections)) for (const doc of docs) store.collection<SeedDoc>(name).put(doc);
  await store.close();
  return { agentId };
}
