import type { KeyObject } from "node:crypto";
import { FrameMac, macHubMessage, sealHubMessage, type HubToAgent } from "@canopy/protocol";

/** Seals one connection's hub frames (see `createFrameSealer`). */
export interface FrameSealer {
  /** `payload`: `message` already encoded (`encodeHubPayload`, a broadcast), sealed as is. */
  seal(message: HubToAgent, payload?: Uint8Array): Buffer;
  /**
   * The agent agreed a session key in its hello: the welcome is still signed, every frame after
   * it carries the key's HMAC instead (`FrameMac`, protocol session-mac.ts).
   */
  macAfterWelcome?(sessionKey: KeyObject): void;
}

/**
 * The one place hub frames are sealed. Per connection: the challenge is signed with the empty
 * context, and everything after it with the challenge's nonce, so a frame recorded on one
 * connection is useless on any other. The only frame that may precede a challenge is the
 * `error` of a connection refused at once (too many handshakes from its address): it is signed
 * with the empty context too, which is what the agent expects before any challenge.
 *
 * For an agent with a session key, frames after the welcome are MAC'd, not signed: a few
 * microseconds instead of an Ed25519 signature per frame (and its verification at the agent).
 * The switch happens as the welcome itself is sealed, since the welcome is what tells the agent.
 */
export function createFrameSealer(hubKey: KeyObject): FrameSealer {
  let context: string | undefined;
  let pending: KeyObject | undefined;
  let mac: FrameMac | undefined;
  return {
    seal(message, payload) {
      if (mac) return macHubMessage(mac, message, payload);
      if (message.type === "hello.challenge") {
        const frame = sealHubMessage(hubKey, "", message);
        context = message.nonce;
        return frame;
      }
      if (context === undefined && message.type !== "error") throw new Error(`cannot send ${message.type} before the challenge`);
      const frame = sealHubMessage(hubKey, context ?? "", message, payload);
      if (message.type === "welcome" && pending && message.frameAuth === "session-mac") {
        mac = new FrameMac(pending);
        pending = undefined;
      }
      return frame;
    },
    macAfterWelcome(sessionKey) {
      pending = sessionKey;
    },
  };
}
