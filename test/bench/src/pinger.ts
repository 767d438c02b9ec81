// The healthy tenant, run as its own process by the fairness bench so that nothing else on its
// event loop delays its measurements. argv: SIDE URL [TENANT_ID AGENT_DATA_DIR].
//   hub       starts the tenant's real agent (`createAgent`), then `POST /tenants/:id/ping` through
//             the API every ~50 ms: what a user sees (HTTP → hub → agent → hub → HTTP)
//   baseline  a bare ws round trip to baseline-server every ~50 ms
// IPC: "start" begins a phase, "stop" ends it and answers the phase's samples.
import { createAgent } from "@canopy/agent";
import WebSocket from "ws";
import { signIn } from "./bench-hub.js";

export interface PingSamples {
  type: "pings";
  /** Round trips as the client saw them, ms. */
  latencies: number[];
  /** The link RTT the hub measured for each (hub side only). */
  linkRtts: number[];
  failures: number;
}

const INTERVAL_MS = 50;
const [side, url, tenantId, dataDir] = process.argv.slice(2) as ["hub" | "baseline", string, string?, string?];

async function hubPinger(): Promise<(samples: PingSamples) => Promise<void>> {
  const agent = createAgent({ dataDir: dataDir!, reconnectMaxMs: 2000 });
  await agent.start();
  await agent.waitFor("online", 30_000);
  const api = await signIn(url);
  return async (samples) => {
    const { rttMs } = await api<{ rttMs: number }>("POST", `/tenants/${tenantId}/ping`, {});
    samples.linkRtts.push(rttMs);
  };
}

async function baselinePinger(): Promise<(samples: PingSamples) => Promise<void>> {
  const ws = new WebSocket(url.replace("http", "ws"));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  let n = 0;
  return () =>
    new Promise<void>((resolve) => {
      ws.once("message", () => resolve());
      ws.send(JSON.stringify({ type: "ping", id: String(++n) }));
    });
}

const ping = side === "hub" ? await hubPinger() : await baselinePinger();

/**
 * One phase: a ping every INTERVAL_MS (a tick is skipped while the previous ping is still out,
 * so a slow answer shows as latency, not as a pile of requests) until "stop"; then the samples
 * go back to the bench.
 */
function samplePhase(): () => void {
  const samples: PingSamples = { type: "pings", latencies: [], linkRtts: [], failures: 0 };
  let inFlight: Promise<void> | undefined;
  const tick = () => {
    if (inFlight) return;
    const started = performance.now();
    inFlight = ping(samples)
      .then(
        () => void samples.latencies.push(performance.now() - started),
        () => void samples.failures++,
      )
      .finally(() => (inFlight = undefined));
  };
  tick();
  const timer = setInterval(tick, INTERVAL_MS);
  return () => {
    clearInterval(timer);
    void Promise.resolve(inFlight).then(() => process.send!(samples));
  };
}

let stopPhase: (() => void) | undefined;
process.on("message", (message) => {
  if (message === "start") stopPhase = samplePhase();
  else if (message === "stop") {
    stopPhase?.();
    stopPhase = undefined;
  } else if (message === "exit") process.exit(0);
});
process.send!({ type: "ready" });
