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
 * After the handshake: bursts of frames the hub must answer (or ignore) without closing, then
 * one frame that may close the connection. Large frames are rare: a few dozen per 100,000.
 */
const openFrames = weighted({ "unknown-type": 2000, "stray-valid": 600, "hello-replay": 200, "hello-forged": 200, "huge-string": 1, "huge-wide": 1 });
const closingFrames = weighted({
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

export interface AuthenticatedScript {
  bursts: FuzzFrame[][];
  last: FuzzFrame;
}

export const authenticatedScript: fc.Arbitrary<AuthenticatedScript> = fc.record({
  // size "max": fast-check otherwise keeps generated arrays short, and every burst costs a round trip.
  bursts: fc.array(fc.array(openFrames, { minLength: 1, maxLength: 150, size: "max" }), { minLength: 1, maxLength: 4, size: "max" }),
  last: closingFrames,
});

/** Before the handshake every frame is decisive (only `hello` is allowed), so one per connection. */
export const unauthenticatedFrame: fc.Arbitrary<FuzzFrame> = weighted({
  "garbage-text": 100,
  binary: 100,
  "json-not-envelope": 100,
  "envelope-bad-meta": 100,
  "no-type": 100,
  "wrong-field-types": 100,
  "unknown-type": 100,
  "stray-valid": 100,
  "hello-replay": 100,
  "hello-forged": 100,
  "invalid-utf8": 30,
  "deep-nesting": 10,
  "huge-string": 1,
  "huge-wide": 1,
  oversize: 2,
});

/** The `n`-th value of `arbitrary` for a lane: fast-check's generation, replayable from the seed. */
export function nth<T>(arbitrary: fc.Arbitrary<T>, seed: number, n: number): T {
  return fc.sample(arbitrary, { seed: (seed + n * 7919) | 0, numRuns: 1 })[0]!;
}
