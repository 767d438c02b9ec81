import type { InsightEntryInput } from "./insight-entry.js";

/**
 * One copy of each repeated string: every shard read at start parses its own copies of the same
 * tenant ids, rule names, tactics, hosts and sources, and a million index entries holding their
 * own copies cost hundreds of MiB (issue 13, P6). Lives only while the index is built.
 */
export class StringPool {
  readonly #strings = new Map<string, string>();
  readonly #lists = new Map<string, readonly string[]>();

  string<S extends string | null>(value: S): S {
    if (value === null) return value;
    const held = this.#strings.get(value);
    if (held !== undefined) return held as S;
    this.#strings.set(value, value);
    return value;
  }

  /** Lists are shared whole (entries never change theirs: a change makes a new entry). */
  list(values: readonly string[]): readonly string[] {
    if (values.length === 0) return EMPTY;
    const key = values.join("\u0000");
    const held = this.#lists.get(key);
    if (held !== undefined) return held;
    const list = Object.freeze(values.map((value) => this.string(value)));
    this.#lists.set(key, list);
    return list;
  }
}

const EMPTY: readonly string[] = Object.freeze([]);

/** The entry with its repeated strings and lists taken from `pool`, in place (no copy: a million of them at start). */
export function compactEntry(input: InsightEntryInput, pool: StringPool): InsightEntryInput {
  const entry = input as { -readonly [K in keyof InsightEntryInput]: InsightEntryInput[K] };
  entry.tenantId = pool.string(input.tenantId);
  entry.title = pool.string(input.title);
  entry.severity = pool.string(input.severity);
  entry.status = pool.string(input.status);
  entry.ruleId = pool.string(input.ruleId);
  entry.ruleName = pool.string(input.ruleName);
  entry.tactics = pool.list(input.tactics);
  entry.techniques = pool.list(input.techniques);
  entry.hosts = pool.list(input.hosts);
  entry.users = pool.list(input.users);
  entry.assignee = pool.string(input.assignee);
  entry.source = pool.string(input.source);
  return entry;
}
