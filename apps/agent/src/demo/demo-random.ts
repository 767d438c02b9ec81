import { createHash } from "node:crypto";

/** A small seeded generator (mulberry32): the same seed gives the same demo data on any machine. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** Index i is picked with weight 1 / (i + 1): a few entries come up often, the rest now and then. */
  pickSkewed<T>(items: readonly T[]): T;
  chance(probability: number): boolean;
}

export function seedTag(seed: string): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, 8);
}

export function createRandom(seed: string): Random {
  let state = createHash("sha256").update(seed).digest().readUInt32LE(0);
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => {
      if (items.length === 0) throw new RangeError("pick from an empty list");
      return items[Math.floor(next() * items.length)]!;
    },
    pickSkewed: (items) => {
      const total = items.reduce((sum, _item, index) => sum + 1 / (index + 1), 0);
      let left = next() * total;
      for (let index = 0; index < items.length; index++) {
        left -= 1 / (index + 1);
        if (left < 0) return items[index]!;
      }
      return random.pick(items);
    },
    chance: (probability) => next() < probability,
  };
  return random;
}
