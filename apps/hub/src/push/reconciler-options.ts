/** How the reconciler batches, paces and retries deliveries (defaults per the issue-4 brief). */
export interface ReconcilerOptions {
  /** Items per batch. Default 500. */
  batchItems?: number;
  /** Approximate JSON bytes per batch (a bigger single item goes alone). Default 1 MiB. */
  batchBytes?: number;
  /** Batches awaiting their ack per agent: the backpressure. Default 2. */
  maxInFlight?: number;
  /** A batch not acknowledged within this is counted lost and its items resent. Default 120 s. */
  ackTimeoutMs?: number;
  /** If an agent sends no manifest this long after its welcome, deliver from the last known state. Default 15 s. */
  manifestWaitMs?: number;
  /** First delay before resending after a loss; doubles per loss up to `retryMaxMs`. Default 1 s. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** How long batches are built (and a push's desired state written) back to back before the event loop gets a turn. Default 10 ms. */
  sliceMs?: number;
}

/** The options with every default filled in. */
export function withDefaults(options: ReconcilerOptions): Required<ReconcilerOptions> {
  return {
    batchItems: options.batchItems ?? 500,
    batchBytes: options.batchBytes ?? 1024 * 1024,
    maxInFlight: options.maxInFlight ?? 2,
    ackTimeoutMs: options.ackTimeoutMs ?? 120_000,
    manifestWaitMs: options.manifestWaitMs ?? 15_000,
    retryBaseMs: options.retryBaseMs ?? 1000,
    retryMaxMs: options.retryMaxMs ?? 30_000,
    sliceMs: options.sliceMs ?? 10,
  };
}
