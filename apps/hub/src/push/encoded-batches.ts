import { encodeHubPayload, type HubToAgent } from "@canopy/protocol";

/** A content batch as it goes on the wire to every agent it is sent to. */
export interface EncodedBatch {
  /** Shared by every agent the batch goes to: batches are tracked per agent, so one id is no clash. */
  id: string;
  pushId: string;
  /** The `content.apply` message, encoded: sealed per connection as is. */
  payload: Buffer;
}

export interface EncodedBatchesOptions {
  /** Whether a push still delivers (a settled push's batches are not sent again). */
  live(pushId: string): boolean;
  /** Batches kept at most. Default 64. */
  maxEntries?: number;
  /** Payload bytes kept at most. Default 32 MiB. */
  maxBytes?: number;
}

/**
 * A broadcast encoded once: a push of the same items to many agents makes the same batches for
 * each of them (the same items, revisions and hashes, in the same order), and encoding one
 * (superjson over megabytes of rules) cost more than anything else per agent once frames stopped
 * being signed. The reconciler looks each batch up by its composition (`compositionOf`); the
 * first agent's turn encodes it, the others only seal it for their connection. Bounded in
 * entries and bytes (the oldest go first), and a push's batches go once it settles.
 */
export class EncodedBatches {
  readonly #options: Required<Omit<EncodedBatchesOptions, "live">>;
  readonly #live: (pushId: string) => boolean;
  /** Composition → batch, oldest first. */
  readonly #batches = new Map<string, EncodedBatch>();
  #bytes = 0;

  constructor(options: EncodedBatchesOptions) {
    this.#live = options.live;
    this.#options = { maxEntries: options.maxEntries ?? 64, maxBytes: options.maxBytes ?? 32 * 1024 * 1024 };
  }

  /** The batch of this composition, encoded with `make()`'s id and message the first time. */
  take(composition: string, pushId: string, make: () => { id: string; message: HubToAgent }): EncodedBatch {
    const known = this.#batches.get(composition);
    if (known) return known;
    const { id, message } = make();
    const batch = { id, pushId, payload: encodeHubPayload(message) };
    this.#forgetSettled();
    this.#batches.set(composition, batch);
    this.#bytes += batch.payload.byteLength;
    for (const [oldest, kept] of this.#batches) {
      if ((this.#batches.size <= this.#options.maxEntries && this.#bytes <= this.#options.maxBytes) || oldest === composition) break;
      this.#drop(oldest, kept);
    }
    return batch;
  }

  /** Batches held now (for tests). */
  get size(): number {
    return this.#batches.size;
  }

  #forgetSettled(): void {
    for (const [composition, batch] of this.#batches) if (!this.#live(batch.pushId)) this.#drop(composition, batch);
  }

  #drop(composition: string, batch: EncodedBatch): void {
    this.#batches.delete(composition);
    this.#bytes -= batch.payload.byteLength;
  }
}

/** What makes two batches the same on the wire: the push and each item's key, revision and hash, in order. */
export function compositionOf(pushId: string, items: readonly { key: string; revision: number; hash: string }[]): string {
  let composition = pushId;
  for (const item of items) composition += `\n${item.key}@${item.revision}@${item.hash}`;
  return composition;
}
