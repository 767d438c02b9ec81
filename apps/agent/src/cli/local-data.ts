import type { HeldItem } from "@canopy/protocol";
import { openAgentStore } from "../identity/credentials.js";
import type { StoredInsight } from "../insights/insight-doc.js";
import { InsightStore } from "../insights/insight-store.js";
import { agentPaths } from "../core/paths.js";
import { heldContent, readManifest, type ManifestDoc } from "../content/manifest.js";

/** Applied content as `[{kind, name, revision, hash}]`; empty when nothing was ever applied. */
export async function listContent(options: { dataDir: string }): Promise<HeldItem[]> {
  const store = await openAgentStore(agentPaths(options.dataDir), { create: false });
  if (!store) return [];
  try {
    return heldContent(store);
  } finally {
    await store.close();
  }
}

/** The manifest in full (pushId, appliedAt, drift, location) for `content list` as text. */
export async function listManifest(options: { dataDir: string }): Promise<ManifestDoc[]> {
  const store = await openAgentStore(agentPaths(options.dataDir), { create: false });
  if (!store) return [];
  try {
    return readManifest(store);
  } finally {
    await store.close();
  }
}

/** The tenant's insights as this agent holds them: ISO dates, oldest first (by createdAt, then id). */
export async function listInsights(options: { dataDir: string }): Promise<StoredInsight[]> {
  const store = await openAgentStore(agentPaths(options.dataDir), { create: false });
  if (!store) return [];
  try {
    // Read only: nothing changes, so nothing is queued.
    return new InsightStore(store, { enqueue: () => {} }).list();
  } finally {
    await store.close();
  }
}
