import type { WidgetResult } from "@canopy/api";
import { errorMessage } from "$lib/api";

/**
 * One widget's figures on the page: the last result, whether a load is running, the last error.
 * A result that arrives after a newer request was made is dropped, so a slow answer never
 * replaces a fresh one.
 */
export class WidgetSlot {
  /** Raw: Chart.js reads these arrays, and a deep proxy would only slow it down. */
  result = $state.raw<WidgetResult | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  #generation = 0;

  async load(fetchResult: () => Promise<WidgetResult>): Promise<void> {
    const generation = ++this.#generation;
    this.loading = true;
    try {
      const result = await fetchResult();
      if (generation !== this.#generation) return;
      this.result = result;
      this.error = null;
    } catch (error) {
      if (generation === this.#generation) this.error = errorMessage(error);
    } finally {
      if (generation === this.#generation) this.loading = false;
    }
  }

  /** A result that came with others (the whole dashboard's data). */
  set(result: WidgetResult): void {
    this.#generation += 1;
    this.result = result;
    this.error = null;
    this.loading = false;
  }

  fail(message: string): void {
    this.#generation += 1;
    this.error = message;
    this.loading = false;
  }

  /** Marks the slot as loading for a request that fills many slots (see `set`/`fail`). */
  begin(): void {
    this.loading = true;
  }
}
