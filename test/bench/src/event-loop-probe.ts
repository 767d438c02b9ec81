// Preloaded into a measured server (`node --import event-loop-probe.js server.js`): on the IPC
// message "event-loop-delay" it answers with the server's own event-loop delay since the last
// ask, so a bench sees the server's stalls rather than its own. On "heap" it collects garbage
// first when the server runs with `--expose-gc`, and answers the heap in use: what a leak keeps.
import { monitorEventLoopDelay } from "node:perf_hooks";

/** What the probe answers; milliseconds beyond the sampling interval. */
export interface EventLoopDelay {
  p50: number;
  p99: number;
  max: number;
}

export const SAMPLE_MS = 5;

const histogram = monitorEventLoopDelay({ resolution: SAMPLE_MS });
histogram.enable();
// The histogram records the whole interval between samples; what matters is the lateness.
const late = (ns: number) => Math.max(0, ns / 1e6 - SAMPLE_MS);

process.on("message", (message) => {
  if (message === "heap") {
    (globalThis as { gc?: () => void }).gc?.();
    process.send?.({ type: "heap", heapUsed: process.memoryUsage().heapUsed });
    return;
  }
  if (message !== "event-loop-delay") return;
  const answer: EventLoopDelay = { p50: late(histogram.percentile(50)), p99: late(histogram.percentile(99)), max: late(histogram.max) };
  process.send?.({ type: "event-loop-delay", ...answer });
  histogram.reset();
});
// The server decides when to exit, not this channel; but a bench gone without stopping it (a
// timed-out test) leaves it nobody to serve: it stops as on SIGTERM.
process.channel?.unref();
process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
