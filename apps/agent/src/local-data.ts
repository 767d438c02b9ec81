import type { HeldItem } from "@canopy/protocol";
import type { Doc } from "@canopy/store";
import { openAgentStore } from "./credentials.js";
import { agentPaths } from "./paths.js";
import { readManifest, type ManifestDoc } from "./manifest.js";
import { heldContent, INSIGHTS_COLLECTION } from "./system-info.js";

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

/** The tenant's insights as this agent holds them (documents as stored). */
export async function listInsights(options: { dataDir: string }): Promise<Doc[]> {
  const store = await openAgentStore(agentPaths(options.dataDir), { create: false });
  if (!store) return [];
  try {
    return store.collection(INSIGHTS_COLLECTION).all();
  } finally {
    await store.close();
  }
}
