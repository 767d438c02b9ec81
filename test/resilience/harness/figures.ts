import { availableParallelism, loadavg } from "node:os";
import { scale, seed } from "./env.js";

/**
 * One scenario's figures, printed as one block when the scenario ends (also when it failed:
 * the figures gathered so far are what explains the failure).
 */
export class Figures {
  readonly #rows: [string, string][] = [];
  readonly #started = performance.now();
  readonly #phases: [string, number][] = [];

  constructor(readonly title: string) {}

  set(label: string, value: string | number): this {
    const text = typeof value === "number" ? value.toLocaleString("en-US") : value;
    const row = this.#rows.find((r) => r[0] === label);
    if (row) row[1] = text;
    else this.#rows.push([label, text]);
    return this;
  }

  /** Times `work` as a named phase of the scenario's duration line. */
  async phase<T>(name: string, work: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await work();
    } finally {
      this.#phases.push([name, performance.now() - t0]);
    }
  }

  /** Prints `line()` every `everyMs` while a long phase runs (a long run should not look hung); returns the stop. */
  progress(everyMs: number, line: () => string): () => void {
    const timer = setInterval(() => console.log(`  ${this.title}: ${line()}`), everyMs);
    return () => clearInterval(timer);
  }

  print(): void {
    const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const rows: [string, string][] = [
      ["scale / seed", `${scale.name} / ${seed} (CANOPY_RESILIENCE_SEED=${seed} replays it)`],
      ...this.#rows,
      // Timing figures mean little on a machine busy with other work: say how busy it was.
      ["machine", `${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(" / ")} (1 / 5 / 15 min) at the end`],
      ["durations", [...this.#phases.map(([n, ms]) => `${n} ${seconds(ms)}`), `total ${seconds(performance.now() - this.#started)}`].join(", ")],
    ];
    const width = Math.max(...rows.map(([label]) => label.length));
    const rule = "─".repeat(72);
    console.log([`┌─ ${this.title} ${rule.slice(this.title.length + 3)}`, ...rows.map(([l, v]) => `│ ${l.padEnd(width)}  ${v}`), `└${rule}`].join("\n"));
  }
}
