/** A set of entry ordinals as queries read it: a JS Set of numbers or a Bitset. */
export interface OrdSet {
  readonly size: number;
  has(ord: number): boolean;
  forEach(visit: (ord: number) => void): void;
}

/** Set bits in a 32-bit word. */
export function popcount(word: number): number {
  let w = word - ((word >>> 1) & 0x55555555);
  w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
  return (((w + (w >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * Entry ordinals as bits: 1 bit per entry of the index, whatever the set holds. Used for values
 * many entries share (a status, a common word), where it is smaller than a Set and where
 * intersecting and counting cost a pass over words, not a lookup per entry.
 */
export class Bitset implements OrdSet {
  words: Uint32Array;
  #size = 0;

  constructor(capacity = 1024) {
    this.words = new Uint32Array(Math.max(1, Math.ceil(capacity / 32)));
  }

  static of(sets: readonly OrdSet[], capacity: number): Bitset {
    const result = new Bitset(capacity);
    for (const set of sets) {
      if (set instanceof Bitset) result.#or(set);
      else set.forEach((ord) => result.add(ord));
    }
    return result;
  }

  get size(): number {
    return this.#size;
  }

  has(ord: number): boolean {
    const word = ord >>> 5;
    return word < this.words.length && (this.words[word]! & (1 << (ord & 31))) !== 0;
  }

  add(ord: number): void {
    const word = ord >>> 5;
    if (word >= this.words.length) this.#grow(word + 1);
    const bit = 1 << (ord & 31);
    if ((this.words[word]! & bit) === 0) {
      this.words[word]! |= bit;
      this.#size++;
    }
  }

  delete(ord: number): void {
    const word = ord >>> 5;
    const bit = 1 << (ord & 31);
    if (word < this.words.length && (this.words[word]! & bit) !== 0) {
      this.words[word]! &= ~bit;
      this.#size--;
    }
  }

  forEach(visit: (ord: number) => void): void {
    const { words } = this;
    for (let i = 0; i < words.length; i++) {
      let w = words[i]!;
      while (w !== 0) {
        const low = w & -w;
        visit(i * 32 + 31 - Math.clz32(low));
        w ^= low;
      }
    }
  }

  /** Keeps only the bits also in every one of `others`; returns the new size. */
  intersect(others: readonly Bitset[]): number {
    const { words } = this;
    let size = 0;
    for (let i = 0; i < words.length; i++) {
      let w = words[i]!;
      for (const other of others) w &= other.words[i] ?? 0;
      words[i] = w;
      if (w !== 0) size += popcount(w);
    }
    this.#size = size;
    return size;
  }

  #or(other: Bitset): void {
    if (other.words.length > this.words.length) this.#grow(other.words.length);
    const { words } = this;
    let size = 0;
    for (let i = 0; i < words.length; i++) {
      const w = words[i]! | (other.words[i] ?? 0);
      words[i] = w;
      if (w !== 0) size += popcount(w);
    }
    this.#size = size;
  }

  #grow(minWords: number): void {
    const next = new Uint32Array(Math.max(minWords, this.words.length * 2));
    next.set(this.words);
    this.words = next;
  }
}
