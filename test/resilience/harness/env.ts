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
  /**
   * Each flood runs `floodMs`; the pre-auth flood opens `preauthSockets` sockets offering
   * `preauthMiB` each, in rounds, and the ReDoS imports repeat, until the attack has lasted
   * `minAttackMs`: the healthy tenant's p99 needs ~100 pings per attack, else it is the maximum.
   */
  r5: {
    floodMs: number;
    unknownPerConnection: number;
    insightsPerSecond: number;
    preauthSockets: number;
    preauthMiB: number;
    redosImports: number;
    minAttackMs: number;
    pingEveryMs: number;
    pingP99LimitMs: number;
  };
  /** `sweep`: besides all files damaged at once, every store file with every kind of damage on its own, each through a real start. */
  r6: { sweep: boolean };
}

const SCALES: Record<ScaleName, Scale> = {
  normal: {
    name: "normal",
    r1: { agents: 200, rules: 60, kills: 3 },
    r2: { rules: 1000, kills: 3 },
    r3: { agents: 300, rules: 60, cutShare: 0.15, cutEveryMs: 1000 },
    r4: { frames: 100_000, httpRequests: 3000, fuzzIdentities: 64, pingEveryMs: 50, pingP99LimitMs: 100 },
    r5: { floodMs: 4000, unknownPerConnection: 6000, insightsPerSecond: 3000, preauthSockets: 24, preauthMiB: 8, redosImports: 20, minAttackMs: 2000, pingEveryMs: 20, pingP99LimitMs: 100 },
    r6: { sweep: false },
  },
  long: {
    name: "long",
    r1: { agents: 500, rules: 80, kills: 6 },
    r2: { rules: 3700, kills: 6 },
    r3: { agents: 600, rules: 200, cutShare: 0.2, cutEveryMs: 1000 },
    r4: { frames: 1_000_000, httpRequests: 30_000, fuzzIdentities: 96, pingEveryMs: 50, pingP99LimitMs: 100 },
    r5: { floodMs: 20_000, unknownPerConnection: 20_000, insightsPerSecond: 4000, preauthSockets: 100, preauthMiB: 32, redosImports: 200, minAttackMs: 5000, pingEveryMs: 20, pingP99LimitMs: 100 },
    r6: { sweep: true },
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
