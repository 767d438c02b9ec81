import { Scenario, type HubProcess, type HubProcessOptions } from "@canopy/test-e2e/harness";

/** The hub's stderr as the harness keeps it: a byte count and a bounded tail, never the whole log. */
export interface HubLog {
  bytes(): number;
  tail(): string;
}

/** How a hub process ended when nobody asked it to. */
export interface HubDeath {
  exit: number | string;
  stderrTail: string;
}

const TAIL_BYTES = 65_536;
const TAIL_LINES = 40;
const watched = new WeakMap<HubProcess, { log: HubLog; listener: (d: string) => void; death: () => HubDeath | undefined }>();

/**
 * Watches every hub `scenario` runs, the one running now and every one `startHub` starts later
 * (R1 restarts it): when one exits without the harness asking (not `hub.kill()`, `hub.stop()`
 * or the scenario's own stop), its exit code or signal and its last stderr lines are printed at
 * once. A hub that dies mid-scenario otherwise shows up only as "fetch failed" somewhere later,
 * and the cause (an uncaught error, an abort, the OOM killer's SIGKILL) is lost.
 */
export function watchHubs(scenario: Scenario): void {
  watchHub(scenario.hub);
  const startHub = scenario.startHub.bind(scenario);
  scenario.startHub = async (options) => {
    const hub = await startHub(options);
    watchHub(hub);
    return hub;
  };
}

/** `Scenario.start` with its hubs watched: what every scenario of this suite starts with. */
export async function startScenario(options: Partial<HubProcessOptions> = {}): Promise<Scenario> {
  const scenario = await Scenario.start(options);
  watchHubs(scenario);
  return scenario;
}

/** Watches one hub process (see `watchHubs`); returns its log counter. Idempotent. */
export function watchHub(hub: HubProcess): HubLog {
  const known = watched.get(hub);
  if (known) return known.log;
  const child = hub.child;
  let bytes = 0;
  let tail = "";
  const listener = (d: string) => {
    bytes += Buffer.byteLength(d);
    tail = (tail + d).slice(-TAIL_BYTES);
  };
  child.process.stderr!.on("data", listener);
  let asked = false;
  const kill = hub.kill;
  hub.kill = () => ((asked = true), kill());
  const stop = child.stop;
  // Scenario.close() and hub.stop() both end in child.stop().
  child.stop = (graceMs) => ((asked = true), stop(graceMs));
  let death: HubDeath | undefined;
  child.process.once("exit", (code, signal) => {
    // A hub stopped on purpose that still exits non-zero is reported too: SIGTERM must end it cleanly.
    if (asked && (code === 0 || signal === "SIGKILL")) return;
    death = { exit: code ?? signal ?? "unknown", stderrTail: lastLines(tail, TAIL_LINES) };
    console.error(`\n✖ canopy-hub (pid ${child.process.pid}, ${hub.url}) exited ${death.exit}${asked ? " while being stopped" : " unexpectedly"}; its last stderr lines:\n${death.stderrTail || "(none)"}\n`);
  });
  const entry = { log: { bytes: () => bytes, tail: () => tail }, listener, death: () => death };
  watched.set(hub, entry);
  return entry.log;
}

/** The death `watchHub` saw for `hub`, if it died unasked. */
export function hubDeath(hub: HubProcess): HubDeath | undefined {
  return watched.get(hub)?.death();
}

/**
 * Counts what the hub writes to its log instead of keeping it: under a flood of bad frames the
 * log is one of the things measured (issue 10: agent-supplied text logged without a bound), and
 * the harness must not hold hundreds of MB of it in memory (test/e2e's child keeps all of its
 * stderr: that reader is dropped). The watch's count and last 64 KiB stay.
 */
export function countHubLog(hub: HubProcess): HubLog {
  const log = watchHub(hub);
  const stream = hub.child.process.stderr!;
  const own = watched.get(hub)!.listener;
  for (const l of stream.listeners("data")) if (l !== own) stream.off("data", l as (d: string) => void);
  return log;
}

function lastLines(text: string, n: number): string {
  return text.trimEnd().split("\n").slice(-n).join("\n");
}
