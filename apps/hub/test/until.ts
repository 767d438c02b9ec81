/**
 * `probe`'s first defined value: looked at now, and again each time `subscribe` signals that
 * something changed (one probe at a time; a change during a probe runs it again). No polling:
 * nothing is looked at again without a change. Rejects after `timeoutMs`, saying what was awaited.
 */
export function until<T>(
  what: string,
  probe: () => T | undefined | Promise<T | undefined>,
  subscribe: (changed: () => void) => () => void,
  timeoutMs = 5000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    let settled = false;
    let running = false;
    let again = false;
    const finish = (settle: () => void) => {
      settled = true;
      clearTimeout(timer);
      unsubscribe();
      settle();
    };
    const check = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          const value = await probe();
          if (value !== undefined) return finish(() => resolve(value));
        } while (again && !settled);
      } catch (error) {
        finish(() => reject(error as Error));
      } finally {
        running = false;
      }
    };
    const timer = setTimeout(() => finish(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`))), timeoutMs);
    const unsubscribe = subscribe(() => {
      if (!settled) void check();
    });
    void check();
  });
}
