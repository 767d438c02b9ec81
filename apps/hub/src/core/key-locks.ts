/**
 * Locks by key, for the embedded store's units of work: what `SELECT … FOR UPDATE` is on
 * PostgreSQL. Waiters are served in order; a key with nobody waiting costs nothing.
 */
export class KeyLocks {
  /** Per key: settles when the last holder or waiter releases. */
  readonly #tails = new Map<string, Promise<void>>();

  /** Resolves, once the key is free, with the function that frees it again. */
  async acquire(key: string): Promise<() => void> {
    const before = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = before.then(() => mine);
    this.#tails.set(key, tail);
    await before;
    return () => {
      release();
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    };
  }
}

/** The locks one unit of work holds: taken once per key, all freed when the unit ends. */
export class UnitLocks {
  readonly #locks: KeyLocks;
  readonly #held = new Map<string, Promise<() => void>>();

  constructor(locks: KeyLocks) {
    this.#locks = locks;
  }

  async lock(key: string): Promise<void> {
    let held = this.#held.get(key);
    if (!held) this.#held.set(key, (held = this.#locks.acquire(key)));
    await held;
  }

  async releaseAll(): Promise<void> {
    const held = [...this.#held.values()];
    this.#held.clear();
    for (const release of await Promise.all(held)) release();
  }
}
