/**
 * How the index is built at hub start without freezing the hub (issue 13, P7: no event-loop stall
 * over 25 ms): the work is cut into slices of `sliceSize` steps (an entry posted, an element
 * merged), and `pause` lets the event loop turn between slices, so pings, agent frames and pushes
 * keep flowing while a million insights are indexed.
 */
export interface BuildPacing {
  readonly sliceSize: number;
  pause(): Promise<void>;
}

/** Between slices, whatever the event loop has waiting (I/O, timers) runs first. */
export const YIELDING: BuildPacing = {
  // About 1 ms of posting or merging on an idle core: under the 25 ms budget even on a machine
  // so loaded that the hub gets a tenth of a core (measured: 4096 took 50–100 ms there).
  sliceSize: 1024,
  pause: () => new Promise<void>((resolve) => setImmediate(resolve)),
};

/** Counts steps and pauses once per slice. */
export class Slicer {
  #steps = 0;
  constructor(readonly pacing: BuildPacing) {}

  /** After one step: true when a slice is done and the caller should `await pause()`. */
  step(): boolean {
    if (++this.#steps < this.pacing.sliceSize) return false;
    this.#steps = 0;
    return true;
  }

  pause(): Promise<void> {
    this.#steps = 0;
    return this.pacing.pause();
  }
}

/**
 * Sorts `items` in place like `items.sort(compare)` (stable), pausing between slices: runs of
 * `sliceSize` are sorted natively, then merged pairwise, `sliceSize` elements per slice. One
 * `Array.prototype.sort` of a million entries is a stall of a second or more.
 */
export async function sortInSlices<T>(items: T[], compare: (a: T, b: T) => number, slicer: Slicer): Promise<void> {
  const n = items.length;
  const run = Math.max(2, slicer.pacing.sliceSize);
  for (let start = 0; start < n; start += run) {
    const end = Math.min(n, start + run);
    const sorted = items.slice(start, end).sort(compare);
    for (let i = start; i < end; i++) items[i] = sorted[i - start]!;
    await slicer.pause();
  }
  let from = items;
  let to = new Array<T>(n);
  for (let width = run; width < n; width *= 2) {
    for (let left = 0; left < n; left += 2 * width) {
      const middle = Math.min(n, left + width);
      const right = Math.min(n, left + 2 * width);
      let i = left;
      let j = middle;
      for (let k = left; k < right; k++) {
        // Stable: on ties the left run's element goes first.
        if (i < middle && (j >= right || compare(from[i]!, from[j]!) <= 0)) to[k] = from[i++]!;
        else to[k] = from[j++]!;
        if (slicer.step()) await slicer.pause();
      }
    }
    [from, to] = [to, from];
  }
  if (from === items) return;
  for (let i = 0; i < n; i++) {
    items[i] = from[i]!;
    if (slicer.step()) await slicer.pause();
  }
}
