import fc from "fast-check";
import { frameArbitraries, type FrameClass, type FuzzFrame } from "./frames.js";

const weighted = (weights: Partial<Record<FrameClass, number>>): fc.Arbitrary<FuzzFrame> =>
  fc.oneof(
    ...Object.entries(weights).map(([cls, weight]) => ({
      weight: weight!,
      arbitrary: cls === "hello-replay" ? fc.constant<FuzzFrame>({ cls: "hello-replay", data: "", binary: false }) : frameArbitraries[cls as Exclude<FrameClass, "hello-replay">],
    })),
  );

/**
 * After the handshake: frames the hub must answer (or ignore) without closing. Mostly valid
 * frames that ask nothing: the hub's contract lets a tenant send only 20 bad frames (unknown
 * types, second hellos, answers to nothing) and then 10 a minute, so once its budget is spent a
 * connection ends (`rate_limited`, 4029) at its first bad frame; at about one bad frame in 120,
 * a connection still carries about a hundred frames then: connections are what cost the hub most. Large frames are rare, about ten of each per 100,000: a
 * million tiny values take the hub tens of ms to parse (its own cost; the ping is measured meanwhile).
 */
export const openFrames = weighted({ "stray-valid": 10_000, "unknown-type": 50, "stray-answer": 17, "hello-replay": 8, "hello-forged": 8, "huge-string": 1, "huge-wide": 1 });

/**
 * A persistent offender's frames: mostly bad ones. Its tenant spends its bad-frame budget in its
 * first connection or two; from then on each connection ends at its first bad frame with
 * `rate_limited` and 4029, the budget's answer.
 */
export const floodFrames = weighted({ "unknown-type": 60, "stray-answer": 20, "hello-replay": 10, "hello-forged": 10, "stray-valid": 100 });

/** The frame that ends a connection: every one of these is fatal, or may be (`envelope-bad-meta`). */
export const closingFrames = weighted({
  "garbage-text": 100,
  binary: 100,
  "json-not-envelope": 100,
  "envelope-bad-meta": 100,
  "no-type": 100,
  "wrong-field-types": 150,
  "invalid-utf8": 30,
  "deep-nesting": 20,
  oversize: 2,
});

/** Frames an authenticated connection carries before its closing frame (if the hub reads that far). */
export const connectionLength: fc.Arbitrary<number> = fc.integer({ min: 1, max: 300 });

/** Before the handshake every frame is decisive (only `hello` is allowed), so one per connection. */
export const unauthenticatedFrame: fc.Arbitrary<FuzzFrame> = weighted({
  "garbage-text": 100,
  binary: 100,
  "json-not-envelope": 100,
  "envelope-bad-meta": 100,
  "no-type": 100,
  "wrong-field-types": 100,
  "unknown-type": 100,
  "stray-valid": 50,
  "stray-answer": 50,
  "hello-replay": 100,
  "hello-forged": 100,
  "invalid-utf8": 30,
  "deep-nesting": 10,
  "huge-string": 1,
  "huge-wide": 1,
  oversize: 2,
});

/**
 * A seed for one draw, mixed from the run's seed and where the draw is (lane, connection, chunk…):
 * sums of them collide (lane 1's first connection drew what lane 0's second did), and a mix does not.
 */
export function seedFor(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = Math.imul(h ^ (part | 0), 0x01000193);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    h ^= h >>> 13;
  }
  return h | 0;
}

/** `count` values of `arbitrary` drawn at `seed` (see `seedFor`): fast-check's generation, replayable. */
export function draw<T>(arbitrary: fc.Arbitrary<T>, seed: number, count = 1): T[] {
  return fc.sample(arbitrary, { seed, numRuns: count });
}
