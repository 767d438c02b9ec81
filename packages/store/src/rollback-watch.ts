import type { StoreWriteError } from "./store-errors.js";
import type { Store } from "./store.js";

/** What `watchForRollback` gives: `check()` throws if a failed write rolled changes back meanwhile. */
export interface RollbackWatch {
  check(): void;
  stop(): void;
}

/**
 * For an operation that changes the store over several turns before it flushes (an import that
 * yields to the event loop): a failed write in between (a background write, another request's
 * flush) rolled its earlier changes back, so it must not report them as done. `check()` throws
 * that write's StoreWriteError.
 */
export function watchForRollback(store: Store): RollbackWatch {
  let failure: StoreWriteError | undefined;
  const stop = store.onRollback((event) => void (failure ??= event.error));
  return {
    check() {
      if (failure) throw failure;
    },
    stop,
  };
}
