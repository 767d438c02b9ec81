import type { OrdSet } from "./ord-set.js";
import { PostingIndex } from "./posting-index.js";

const DAY_MS = 24 * 3600_000;
/** Day numbers as fixed-width keys, so their string order is their numeric order. */
const key = (day: number) => String(day).padStart(8, "0");

/**
 * Entries of one time field by UTC day. A time range is then the union of the postings of the
 * days it covers whole (bitsets, once a day holds many entries) and a walk of the sort tree for
 * the part days at either end: its cost follows the days, not the entries in the range.
 */
export class TimeBuckets {
  readonly #days: PostingIndex;

  constructor(capacity: () => number) {
    this.#days = new PostingIndex(capacity, { ordered: true });
  }

  add(time: number, ord: number): void {
    this.#days.add(key(Math.floor(time / DAY_MS)), ord);
  }

  remove(time: number, ord: number): void {
    this.#days.remove(key(Math.floor(time / DAY_MS)), ord);
  }

  /**
   * `[from, to)` split into the whole days it covers (as postings) and the times at its ends
   * that days do not cover (each still to be walked; null when there is none).
   */
  split(from: number | null, to: number | null): { whole: OrdSet[]; head: [number, number] | null; tail: [number, number] | null } {
    const firstDay = from === null ? Number.NEGATIVE_INFINITY : Math.ceil(from / DAY_MS);
    const endDay = to === null ? Number.POSITIVE_INFINITY : Math.floor(to / DAY_MS);
    // Within one day (both ends are then set): no whole day, only the walk.
    if (firstDay >= endDay) return { whole: [], head: [from!, to!], tail: null };
    const low = Number.isFinite(firstDay) ? key(firstDay) : "";
    const high = Number.isFinite(endDay) ? key(endDay) : "\uffff";
    return {
      whole: this.#days.between(low, high),
      head: from !== null && from < firstDay * DAY_MS ? [from, firstDay * DAY_MS] : null,
      tail: to !== null && endDay * DAY_MS < to ? [endDay * DAY_MS, to] : null,
    };
  }
}
