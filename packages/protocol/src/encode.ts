import type { KeyObject } from "node:crypto";
import { encodeMessage } from "./codec.js";
import type { AgentToHub } from "./messages/agent-to-hub.js";
import type { HubToAgent } from "./messages/hub-to-agent.js";
import type { FrameMac } from "./session-mac.js";
import { sealHubFrame } from "./signing.js";

/** Agent → hub: a text frame (identity comes from the authenticated connection). */
export function encodeAgentMessage(message: AgentToHub): string {
  return encodeMessage(message);
}

/** Hub → agent: a binary frame signed with the hub key, bound to the connection's `context`. */
export function sealHubMessage(hubKey: KeyObject, context: string, message: HubToAgent): Buffer {
  return sealHubFrame(hubKey, context, encodeMessage(message));
}

/** Hub → agent after a session-mac welcome: the frame tagged with the connection's session key (session-mac.ts). */
export function macHubMessage(mac: FrameMac, message: HubToAgent): Buffer {
  return mac.seal(encodeMessage(message));
}
