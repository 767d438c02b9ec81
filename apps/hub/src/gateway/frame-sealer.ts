import type { KeyObject } from "node:crypto";
import { sealHubMessage, type HubToAgent } from "@canopy/protocol";

/**
 * The one place hub frames are signed. Per connection: the challenge is sealed with the empty
 * context, and everything after it with the challenge's nonce, so a frame recorded on one
 * connection is useless on any other. The only frame that may precede a challenge is the
 * `error` of a connection refused at once (too many handshakes from its address): it is sealed
 * with the empty context too, which is what the agent expects before any challenge.
 */
export function createFrameSealer(hubKey: KeyObject): (message: HubToAgent) => Buffer {
  let context: string | undefined;
  return (message) => {
    if (message.type === "hello.challenge") {
      const frame = sealHubMessage(hubKey, "", message);
      context = message.nonce;
      return frame;
    }
    if (context === undefined && message.type !== "error") throw new Error(`cannot send ${message.type} before the challenge`);
    return sealHubMessage(hubKey, context ?? "", message);
  };
}
