// A process holding many real agents (`createAgent`), driven by the test over IPC. The agents
// live apart from the test runner so that hundreds of them applying content do not slow the
// runner's own clock (its deadlines and measurements), and the hub stays a process of its own.
import { createAgent, listContent, pairAgent } from "@canopy/agent";
import { FleetAcks } from "./fleet-acks.js";
import type { FleetPairing, FleetRequest, FleetResponse, FleetResults, FleetStates } from "./fleet-protocol.js";

type Agent = ReturnType<typeof createAgent>;

const agents = new Map<string, Agent>();
const acks = new FleetAcks();
let onlineEvents = 0;
let offlineEvents = 0;

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += size) await Promise.all(items.slice(start, start + size).map(work));
}

async function pair(list: FleetPairing[], concurrency: number): Promise<null> {
  await inBatches(list, concurrency, async ({ hubUrl, code, dataDir }) => {
    await pairAgent({ hubUrl, code, dataDir, timeoutMs: 60_000 });
  });
  return null;
}

async function start(dataDirs: string[]): Promise<null> {
  await inBatches(dataDirs, 50, async (dataDir) => {
    if (agents.has(dataDir)) return;
    // A short reconnect ceiling: the scenarios cut connections on purpose and wait for recovery.
    const agent = createAgent({ dataDir, reconnectMaxMs: 1000, driftScanMs: 0, logger: acks.logger(dataDir) });
    agent.on("online", () => onlineEvents++);
    agent.on("offline", () => offlineEvents++);
    agents.set(dataDir, agent);
    await agent.start();
  });
  return null;
}

function states(): FleetStates {
  const byState: Record<string, number> = {};
  for (const agent of agents.values()) byState[agent.state] = (byState[agent.state] ?? 0) + 1;
  return { byState, onlineEvents, offlineEvents };
}

async function stop(): Promise<null> {
  await Promise.all([...agents.values()].map((a) => a.stop()));
  agents.clear();
  return null;
}

async function held(dataDirs: string[]): Promise<FleetResults["held"]> {
  const out: FleetResults["held"] = {};
  for (const dataDir of dataDirs) out[dataDir] = await listContent({ dataDir });
  return out;
}

async function handle(request: FleetRequest): Promise<unknown> {
  switch (request.op) {
    case "pair":
      return pair(request.agents, request.concurrency);
    case "start":
      return start(request.dataDirs);
    case "states":
      return states();
    case "stop":
      return stop();
    case "held":
      return held(request.dataDirs);
    case "acked":
      return acks.agents(request.pushId);
  }
}

process.on("message", (request: FleetRequest) => {
  handle(request).then(
    (result) => process.send!({ id: request.id, ok: true, result } satisfies FleetResponse),
    (error: unknown) => process.send!({ id: request.id, ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) } satisfies FleetResponse),
  );
});
// The test going away (crash, timeout) must not leave agents dialling the hub.
process.on("disconnect", () => {
  void stop().finally(() => process.exit(0));
});
