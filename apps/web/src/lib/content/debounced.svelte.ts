/**
 * Runs `load` with the value `read()` returns whenever it changes, after `waitMs` of quiet (the
 * first run is immediate). Call from a component's script: it registers an effect.
 */
export function loadWhenSettled<T>(read: () => T, load: (value: T) => unknown, waitMs = 250): void {
  let first = true;
  $effect(() => {
    const value = read();
    if (first) {
      first = false;
      void load(value);
      return;
    }
    const timer = setTimeout(() => void load(value), waitMs);
    return () => clearTimeout(timer);
  });
}
