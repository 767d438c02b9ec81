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

/**
 * Hub → agent: a binary frame signed with the hub key, bound to the connection's `context`.
 * `payload`, when given, is `message` already encoded (`encodeHubPayload`), sealed as is.
 */
export function sealHubMessage(hubKey: KeyObject, context: string, message: HubToAgent, payload?: Uint8Array): Buffer {
  return sealHubFrame(hubKey, context, payload ?? encodeMessage(message));
}

/**
 * A hub message's payload bytes, to seal for many connections: a broadcast (one content batch
 * to many agents) is encoded once and only signed or MAC'd per connection.
 */
export function encodeHubPayload(message: HubToAgent): Buffer {
  return Buffer.from(encodeMessage(message), "utf8");
}

/** Hub → agent after a session-mac welcome: the frame tagged with the connection's session key (session-mac.ts). */
export function macHubMessage(mac: FrameMac, message: HubToAgent, payload?: Uint8Array): Buffer {
  return payload ? mac.sealBytes(payload) : mac.seal(encodeMessage(message));
}
