import { BTree } from "./btree.js";
import { Bitset, type OrdSet } from "./ord-set.js";

/**
 * One value's entries: a lone ordinal (most search words belong to one insight), a Set, or, for
 * values many entries share, a Bitset.
 */
type Posting = number | Set<number> | Bitset;

/** A Set becomes a Bitset once it holds more than this share of the index (it is then smaller). */
const BITSET_SHARE = 1 / 256;
const BITSET_MIN = 256;

/** A lone ordinal as a one-element set. */
class Lone implements OrdSet {
  readonly size = 1;
  constructor(readonly ord: number) {}
  has(ord: number): boolean {
    return ord === this.ord;
  }
  forEach(visit: (ord: number) => void): void {
    visit(this.ord);
  }
}

const asSet = (posting: Posting): OrdSet => (typeof posting === "number" ? new Lone(posting) : posting);

/**
 * Postings of one field: for each value, the entry ordinals holding it. A field with several
 * values per insight (tactics, words) lists the entry under each. With `ordered`, the values are
 * also kept in a B+ tree, so every value starting with a prefix is one range.
 */
export class PostingIndex {
  readonly #postings = new Map<string, Posting>();
  readonly #values: BTree<string, undefined> | undefined;
  readonly #capacity: () => number;

  /** `capacity`: how many ordinals the index spans (bitsets are sized for it). */
  constructor(capacity: () => number, options: { ordered?: boolean } = {}) {
    this.#capacity = capacity;
    this.#values = options.ordered ? new BTree<string, undefined>() : undefined;
  }

  add(value: string, ord: number): void {
    const posting = this.#postings.get(value);
    if (posting === undefined) {
      this.#postings.set(value, ord);
      this.#values?.set(value, undefined);
    } else if (typeof posting === "number") {
      if (posting !== ord) this.#postings.set(value, new Set([posting, ord]));
    } else if (posting instanceof Set && posting.size >= Math.max(BITSET_MIN, this.#capacity() * BITSET_SHARE)) {
      const bits = Bitset.of([posting], this.#capacity());
      bits.add(ord);
      this.#postings.set(value, bits);
    } else {
      posting.add(ord);
    }
  }

  remove(value: string, ord: number): void {
    const posting = this.#postings.get(value);
    if (posting === undefined) return;
    if (typeof posting === "number") {
      if (posting === ord) this.#drop(value);
      return;
    }
    posting.delete(ord);
    if (posting.size === 0) this.#drop(value);
    else if (posting instanceof Set && posting.size === 1) this.#postings.set(value, posting.values().next().value!);
  }

  get(value: string): OrdSet | undefined {
    const posting = this.#postings.get(value);
    return posting === undefined ? undefined : asSet(posting);
  }

  /**
   * The postings of `value` and of every value starting with `prefix` (a word prefix; a
   * technique and its sub-techniques). Lone ordinals come back gathered in one set.
   */
  withPrefix(prefix: string, value?: string): OrdSet[] {
    const found: OrdSet[] = [];
    const lone = new Set<number>();
    const take = (posting: Posting) => {
      if (typeof posting === "number") lone.add(posting);
      else found.push(posting);
    };
    if (value !== undefined) {
      const exact = this.#postings.get(value);
      if (exact !== undefined) take(exact);
    }
    if (this.#values) {
      // Every value starting with `prefix` sorts in [prefix, prefix + U+FFFF).
      this.#values.forRange(prefix, `${prefix}\uffff`, false, (key: string) => take(this.#postings.get(key)!));
    } else {
      for (const [key, posting] of this.#postings) if (key.startsWith(prefix)) take(posting);
    }
    if (lone.size > 0) found.push(lone);
    return found;
  }

  /** The postings of every value in [low, high) (ordered indexes only). */
  between(low: string, high: string): OrdSet[] {
    const found: OrdSet[] = [];
    this.#values?.forRange(low, high, false, (key: string) => {
      found.push(asSet(this.#postings.get(key)!));
    });
    return found;
  }

  /** Values by how many entries hold them. */
  counts(): Map<string, number> {
    return new Map(Array.from(this.#postings, ([value, posting]) => [value, typeof posting === "number" ? 1 : posting.size]));
  }

  get valueCount(): number {
    return this.#postings.size;
  }

  #drop(value: string): void {
    this.#postings.delete(value);
    this.#values?.delete(value);
  }
}
