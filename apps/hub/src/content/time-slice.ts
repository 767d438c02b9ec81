import { performance } from "node:perf_hooks";

/**
 * Lets long synchronous work (parsing thousands of rules) give the event loop a turn every
 * `sliceMs`, so agent heartbeats and other requests are served while a large import runs
 * (a socket whose pong waits behind a multi-second import would be cut off as dead).
 */
export class TimeSlicer {
  readonly #sliceMs: number;
  #sliceStart = performance.now();

  constructor(sliceMs = 20) {
    this.#sliceMs = sliceMs;
  }

  /** Resolves at once within the slice; after it, on the next turn of the event loop. */
  async pause(): Promise<void> {
    if (performance.now() - this.#sliceStart < this.#sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#sliceStart = performance.now();
  }
}
