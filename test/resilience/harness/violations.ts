/**
 * Inputs that did not get the answer the product owes them, grouped by what went wrong, each
 * group with its count and its smallest example (a cheap stand-in for shrinking: the smallest
 * input that shows a problem is the one to read first).
 */
export class Violations {
  readonly #groups = new Map<string, { count: number; size: number; example: string }>();

  /** `size` ranks examples (the smallest is kept); `max` is how much of it the report shows. */
  add(problem: string, example: string, size: number, max = 160): void {
    const group = this.#groups.get(problem);
    if (!group) this.#groups.set(problem, { count: 1, size, example: preview(example, max) });
    else {
      group.count++;
      if (size < group.size) Object.assign(group, { size, example: preview(example, max) });
    }
  }

  get total(): number {
    let n = 0;
    for (const g of this.#groups.values()) n += g.count;
    return n;
  }

  /** `{problem: "N× e.g. <example>"}`: empty when every input got its answer. */
  summary(): Record<string, string> {
    return Object.fromEntries([...this.#groups].map(([problem, g]) => [problem, `${g.count}× e.g. ${g.example}`]));
  }
}

/** The start of an input, printable. */
export function preview(value: string | Buffer, max = 160): string {
  const text = typeof value === "string" ? value : `<${value.byteLength} bytes> ${value.subarray(0, 48).toString("hex")}`;
  const json = JSON.stringify(text.length > max ? text.slice(0, max) : text);
  return text.length > max ? `${json}… (${text.length} chars)` : json;
}
