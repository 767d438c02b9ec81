/**
 * WebSocket close codes the hub uses (4000–4999 is the application range).
 * What the agent does on each is part of the contract: see `closeCodeAdvice`.
 */
export const CloseCode = {
  /** Normal close, e.g. the agent is stopping. */
  normal: 1000,
  /** The hub is shutting down; reconnect. */
  goingAway: 1001,
  /** ws closes with this itself when a frame exceeds `maxPayload`. */
  messageTooBig: 1009,
  /** The hub could not store what the agent sent (its disk refused the write); reconnect after a backoff and send it again. */
  tryAgainLater: 1013,
  /** A frame could not be decoded or validated; the peer is misbehaving. */
  protocolError: 4000,
  /** The hello signature did not verify, or the agent id is unknown. */
  authFailed: 4001,
  /** The agent's credentials were revoked (unpaired); never reconnect with them. */
  revoked: 4003,
  /** Another connection with the same key took over this one. */
  replaced: 4004,
  /** The agent did not answer the challenge in time. */
  handshakeTimeout: 4008,
  /** The agent speaks a protocol version this hub does not. */
  unsupportedVersion: 4010,
  /** The agent kept exceeding its budget (frames, bytes, insights per second, bad frames); reconnect after a backoff. */
  rateLimited: 4029,
  /**
   * The hub has as many handshakes in progress as it takes (a reconnect storm after a restart):
   * refused at once, before it costs a signed challenge. Come back in a few seconds, at a random
   * moment, so the storm spreads out.
   */
  busy: 4503,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** What an agent should do after the hub closed its socket with `code`. */
export function closeCodeAdvice(code: number): "reconnect" | "stop" | "forget-credentials" {
  switch (code) {
    case CloseCode.revoked:
      return "forget-credentials";
    // Unknown key: keep the credentials (the hub may have been restored from an old backup)
    // but do not hammer it.
    case CloseCode.authFailed:
    case CloseCode.replaced:
    case CloseCode.unsupportedVersion:
      return "stop";
    default:
      return "reconnect";
  }
}
