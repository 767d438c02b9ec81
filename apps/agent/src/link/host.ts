import { hostname, platform } from "node:os";
import { CONTENT_REMOVE_CAPABILITY, rpcMethods } from "@canopy/protocol";
import { AGENT_VERSION } from "../core/version.js";

/** How this agent describes itself in `hello` and `PairRequest` (lengths bounded as the protocol says). */
export function hostDescription(): { hostname: string; platform: string; agentVersion: string } {
  return {
    hostname: (hostname() || "unknown").slice(0, 255),
    platform: platform().slice(0, 64),
    agentVersion: AGENT_VERSION.slice(0, 64),
  };
}

/** Advertised in `hello` so the hub knows which rpc methods it may call. */
export const AGENT_CAPABILITIES: string[] = [...Object.keys(rpcMethods).map((method) => `rpc:${method}`), CONTENT_REMOVE_CAPABILITY];
