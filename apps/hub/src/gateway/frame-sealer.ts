import type { KeyObject } from "node:crypto";
import { sealHubMessage, type HubToAgent } from "@canopy/protocol";

/**
 * The one place hub frames are signed. Per connection: the challenge is sealed with the empty
 * context, and everything after it with the challenge's nonce, so a frame recorded on one
 * connection is useless on any other.
 */
export function createFrameSealer(hubKey: KeyObject): (message: HubToAgent) => Buffer {
  let context: string | undefined;
  return (message) => {
    if (message.type === "hello.challenge") {
      const frame = sealHubMessage(hubKey, "", message);
      context = message.nonce;
      return frame;
    }
    if (context === undefined) throw new Error(`cannot send ${message.type} before the challenge`);
    return sealHubMessage(hubKey, context, message);
  };
}
