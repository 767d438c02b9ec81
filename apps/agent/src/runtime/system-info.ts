import { arch, hostname, platform, release } from "node:os";
import type { SystemInfo } from "@canopy/protocol";
import { ShardedCollection, type Store } from "@canopy/store";
import { heldContent } from "../content/manifest.js";
import { INSIGHTS_COLLECTION } from "../insights/insight-store.js";
import { AGENT_VERSION } from "../core/version.js";

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
