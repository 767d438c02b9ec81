/**
 * How the reconciler batches, paces and retries deliveries. Batches are ~256 KiB, 4 in flight
 * (1 MiB per agent): a batch is encoded and signed per tenant in one go on the event loop, so its
 * size bounds how long a push to many tenants can hold up everything else (with 1 MiB batches a
 * healthy tenant's ping p99 was ~1.7× worse during a push to 60 tenants, and the push slower).
 */
export interface ReconcilerOptions {
  /** Items per batch. Default 500. */
  batchItems?: number;
  /** Approximate JSON bytes per batch (a bigger single item goes alone). Default 256 KiB. */
  batchBytes?: number;
  /** Batches awaiting their ack per agent: the backpressure. Default 4. */
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
    batchBytes: options.batchBytes ?? 256 * 1024,
    maxInFlight: options.maxInFlight ?? 4,
    ackTimeoutMs: options.ackTimeoutMs ?? 120_000,
    manifestWaitMs: options.manifestWaitMs ?? 15_000,
    retryBaseMs: options.retryBaseMs ?? 1000,
    retryMaxMs: options.retryMaxMs ?? 30_000,
    sliceMs: options.sliceMs ?? 10,
  };
}
