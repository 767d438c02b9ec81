import type { Store } from "@canopy/store";

/**
 * Holds every `store.flush()` until the test lets it go, so a test can look at what the hub shows
 * while changes it has made (an agent's acknowledgement) are not on disk yet. The store must not
 * write by itself meanwhile: open it with a `coalesceMs` far beyond the test.
 */
export function holdFlushes(store: Store) {
  const flush = store.flush.bind(store);
  const held: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  const listeners = new Set<() => void>();
  store.flush = () =>
    new Promise<void>((resolve, reject) => {
      held.push({ resolve, reject });
      for (const listener of listeners) listener();
    });
  return {
    /** Hears each flush as it is held (for `until`); returns the way to stop. */
    onHeld(listener: () => void): () => void {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    /** Flushes waiting. */
    get waiting(): number {
      return held.length;
    },
    /** Stops holding; every held flush now writes (or fails, as the store's `fault` says). */
    release(): void {
      store.flush = flush;
      for (const { resolve, reject } of held.splice(0)) flush().then(resolve, reject);
    },
  };
}
