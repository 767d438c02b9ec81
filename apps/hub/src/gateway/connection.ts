import type { KeyObject } from "node:crypto";
import type { HubToAgent } from "@canopy/protocol";

/**
 * One agent transport, as the session logic sees it. The WebSocket adapter implements it (and
 * seals every frame with the hub key); tests implement it in memory.
 */
export interface Connection {
  readonly id: string;
  readonly remoteAddress: string;
  /** `payload`: `message` already encoded (a broadcast encodes once), to seal as is. */
  send(message: HubToAgent, payload?: Uint8Array): void;
  close(code: number, reason: string): void;
  /** Stop reading the agent's frames (the agent is over a budget): TCP backpressure, nothing dropped. */
  pause(): void;
  /** Read again. */
  resume(): void;
  /**
   * The handshake is over (welcomed): what the transport watched before it can go. With
   * `sessionKey` (the agent agreed one), frames after the welcome are MAC'd with it, not signed.
   */
  authenticated?(sessionKey?: KeyObject): void;
}
