import { seed } from "./env.js";

/**
 * A small seeded generator (mulberry32) per scenario, so a run's random kill points and cuts
 * replay from the printed seed. fast-check takes the same seed for the fuzzing scenarios.
 */
export function randomFor(label: string): () => number {
  let state = seed >>> 0;
  for (const ch of label) state = Math.imul(state ^ ch.charCodeAt(0), 0x9e3779b1) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `count` increasing points in (from, to): one in each equal slice, so the faults spread over the
 * whole operation (early, middle, late) while staying random within their slice.
 */
export function spreadPoints(random: () => number, count: number, from: number, to: number): number[] {
  const width = (to - from) / count;
  return Array.from({ length: count }, (_, i) => from + width * (i + random()));
}
