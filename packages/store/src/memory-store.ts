import { createJournaledStore } from "./journaled-store.js";
import { StoreWriteError } from "./store-errors.js";
import type { Store } from "./store.js";

export interface MemoryStoreOptions {
  /**
   * Called for each partition a write would persist; throw (e.g. an error with `code: "EROFS"`)
   * to make that write fail, as a disk would. Tests of what owners do on a failed write.
   */
  fault?: (collection: string) => void;
  /** How long changes gather before a (pretend) write. Default 0. */
  coalesceMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * A Store that never touches disk: for unit tests and benchmarks of logic above the store. It
 * keeps the same rules as the lowdb store (journal, group commit, rollback on a failed write),
 * so a `fault` shows exactly what users would see if the disk refused.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const { fault } = options;
  return createJournaledStore({
    coalesceMs: options.coalesceMs ?? 0,
    onError: options.onError ?? (() => {}),
    writer: {
      writes: 0,
      yieldBetweenPartitions: false,
      async prepare(name) {
        try {
          fault?.(name);
        } catch (error) {
          throw new StoreWriteError(`memory:${name}`, error);
        }
        return { commit: () => Promise.resolve(), abort: () => Promise.resolve() };
      },
      settle: () => Promise.resolve(),
    },
  });
}
