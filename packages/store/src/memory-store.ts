import { MemoryCollection } from "./memory-collection.js";
import { assertCollectionName, type Collection, type Doc, type Store, type StoreStats } from "./store.js";

/** A Store that never touches disk: for unit tests and benchmarks of logic above the store. */
export function createMemoryStore(): Store {
  const collections = new Map<string, MemoryCollection<Doc>>();
  const stats: StoreStats = { writes: 0, changes: 0 };
  return {
    collection<T extends Doc>(name: string): Collection<T> {
      assertCollectionName(name);
      let c = collections.get(name);
      if (!c) {
        c = new MemoryCollection<Doc>(name, [], () => void stats.changes++);
        collections.set(name, c);
      }
      return c as unknown as Collection<T>;
    },
    flush: () => Promise.resolve(),
    close: () => Promise.resolve(),
    stats: () => ({ ...stats }),
  };
}
