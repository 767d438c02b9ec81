/**
 * What one agent may cost the hub (DESIGN.md "Fairness"). Rates are sized so that a legitimate
 * agent never meets them: its outbox has at most 4 unacknowledged insight batches of at most 500
 * insights and 4 MiB; acks, manifests and pongs answer what the hub sent. Going over a rate only
 * slows the agent down (the hub stops reading its socket until the budget has paid for what
 * arrived: TCP backpressure, nothing dropped); a persistent offender is told `rate_limited` and
 * closed with 4029.
 */
export interface AgentBudgets {
  /** Frames a second after the handshake (counted before decoding; answers to the hub's own pings and rpc calls are given back). */
  framesPerSecond: number;
  frameBurst: number;
  /** Bytes a second after the handshake. */
  bytesPerSecond: number;
  byteBurst: number;
  /** Insights a second in `insights.upsert` batches, per tenant. */
  insightsPerSecond: number;
  insightBurst: number;
  /** Insight batches received and not yet acknowledged, per connection; at this many the hub stops reading until one is acked. */
  pendingBatches: number;
  /** Bad frames (unknown type, a second hello, an answer to nothing) tolerated a minute, with a burst; past it: 4029. */
  badFramesPerMinute: number;
  badFrameBurst: number;
  /** Time an agent may be held back for exceeding its frame or byte budget, in total, a minute; past it: 4029. */
  heldBackMsPerMinute: number;
  /** Bytes a socket may send before its hello is verified; past it: `frame_too_large` and close 4000. */
  bytesBeforeHello: number;
  /** Sockets from one address still in the handshake; one more is refused with 4029. */
  unauthenticatedPerAddress: number;
  /**
   * Sockets still in the handshake, from all addresses; one more is refused at once with 4503
   * (busy: the agent comes back a few seconds later, at a random moment). A reconnect storm is
   * shed rather than queued: the handshakes in progress finish in time, the rest wait at the agents.
   */
  handshakesInProgress: number;
  /** Log lines about what one connection sent, a minute; the rest are counted in one summary line. */
  logLinesPerMinute: number;
}

export const DEFAULT_AGENT_BUDGETS: Readonly<AgentBudgets> = Object.freeze({
  framesPerSecond: 200,
  frameBurst: 1000,
  bytesPerSecond: 16 * 1024 * 1024,
  byteBurst: 32 * 1024 * 1024,
  insightsPerSecond: 2000,
  insightBurst: 5000,
  pendingBatches: 8,
  badFramesPerMinute: 10,
  badFrameBurst: 20,
  heldBackMsPerMinute: 10_000,
  bytesBeforeHello: 64 * 1024,
  unauthenticatedPerAddress: 128,
  handshakesInProgress: 512,
  logLinesPerMinute: 10,
});

/** The defaults with `overrides` applied; throws a RangeError naming a value that is not a positive number. */
export function agentBudgets(overrides: Partial<AgentBudgets> = {}): AgentBudgets {
  const budgets = { ...DEFAULT_AGENT_BUDGETS, ...overrides };
  for (const [name, value] of Object.entries(budgets)) {
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) throw new RangeError(`agentBudgets.${name} must be a positive number`);
  }
  return budgets;
}
