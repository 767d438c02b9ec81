import { arch, hostname, platform, release } from "node:os";
import { HeldItem, type SystemInfo } from "@canopy/protocol";
import { ShardedCollection, type Doc, type Store } from "@canopy/store";
import { AGENT_VERSION } from "./version.js";

/** Collections other features fill; the agent only reads them here. */
export const CONTENT_COLLECTION = "content";
export const INSIGHTS_COLLECTION = "insights";

/** Applied content as `[{kind, name, revision, hash}]`, skipping documents of another shape. */
export function heldContent(store: Store): HeldItem[] {
  const items: HeldItem[] = [];
  for (const doc of store.collection<Doc & Partial<HeldItem>>(CONTENT_COLLECTION).all()) {
    const parsed = HeldItem.safeParse({ kind: doc.kind, name: doc.name, revision: doc.revision, hash: doc.hash });
    if (parsed.success) items.push(parsed.data);
  }
  return items.sort((a, b) => a.kind.localeCompare(b.kind) || a.name.localeCompare(b.name));
}

export interface SystemInfoInput {
  store: Store;
  startedAt: Date;
  connectedSince: Date | null;
}

/** What the hub's Connect view shows about this tenant, answered live to `rpc.req system.info`. */
export function collectSystemInfo({ store, startedAt, connectedSince }: SystemInfoInput): SystemInfo {
  return {
    hostname: hostname(),
    platform: platform(),
    arch: arch(),
    osRelease: release(),
    agentVersion: AGENT_VERSION,
    nodeVersion: process.version,
    pid: process.pid,
    startedAt,
    uptimeSec: Math.max(0, (Date.now() - startedAt.getTime()) / 1000),
    connectedSince,
    memoryRssBytes: process.memoryUsage.rss(),
    holds: {
      content: heldContent(store),
      // The running agent's InsightStore has moved any unsharded insights over by now.
      insights: { count: new ShardedCollection(store, INSIGHTS_COLLECTION).size },
    },
  };
}
