// The only reader of process.env in this suite. `CANOPY_RESILIENCE_SCALE=long` (what
// `pnpm --filter @canopy/test-resilience test:long` sets) selects the larger counts;
// `CANOPY_RESILIENCE_SEED=N` replays a run (every scenario prints the seed it used).

export type ScaleName = "normal" | "long";

export interface Scale {
  name: ScaleName;
  /** One push of `rules` rules per kill. */
  r1: { agents: number; rules: number; kills: number };
  r2: { rules: number; kills: number };
  r3: { agents: number; rules: number; cutShare: number; cutEveryMs: number };
  r4: { frames: number; httpRequests: number; fuzzIdentities: number; pingEveryMs: number; pingP99LimitMs: number };
}

const SCALES: Record<ScaleName, Scale> = {
  normal: {
    name: "normal",
    r1: { agents: 200, rules: 60, kills: 3 },
    r2: { rules: 1000, kills: 3 },
    r3: { agents: 300, rules: 60, cutShare: 0.15, cutEveryMs: 1000 },
    r4: { frames: 100_000, httpRequests: 3000, fuzzIdentities: 64, pingEveryMs: 50, pingP99LimitMs: 100 },
  },
  long: {
    name: "long",
    r1: { agents: 500, rules: 80, kills: 6 },
    r2: { rules: 3700, kills: 6 },
    r3: { agents: 600, rules: 200, cutShare: 0.2, cutEveryMs: 1000 },
    r4: { frames: 1_000_000, httpRequests: 30_000, fuzzIdentities: 96, pingEveryMs: 50, pingP99LimitMs: 100 },
  },
};

function readScale(): Scale {
  const raw = process.env.CANOPY_RESILIENCE_SCALE?.trim() || "normal";
  if (raw !== "normal" && raw !== "long") throw new Error(`CANOPY_RESILIENCE_SCALE must be "normal" or "long", not "${raw}"`);
  return SCALES[raw];
}

function readSeed(): number {
  const raw = process.env.CANOPY_RESILIENCE_SEED?.trim();
  if (!raw) return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(raw);
  if (!Number.isSafeInteger(seed)) throw new Error(`CANOPY_RESILIENCE_SEED must be an integer, not "${raw}"`);
  return seed;
}

export const scale: Scale = readScale();
export const seed: number = readSeed();
