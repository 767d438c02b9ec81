import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createAgent } from "../src/runtime/agent.js";
import type { Agent } from "../src/core/types.js";
import { FakeHub } from "./fake-hub.js";
import { seedPairedAgent, tempDataDir } from "./seed.js";

export interface IngestAgent {
  hub: FakeHub;
  dataDir: string;
  cleanup: () => Promise<void>;
  agent: Agent;
  /** The loopback ingest endpoint's URL. */
  url: string;
  /** The bearer token the endpoint asks for. */
  token: string;
}

/** A paired agent with its loopback ingest endpoint on a free port, and the fake hub it talks to (acking insights). */
export async function startIngestAgent({ online = false }: { online?: boolean } = {}): Promise<IngestAgent> {
  const hub = new FakeHub({ ackInsights: true });
  await hub.listen();
  const { dir: dataDir, cleanup } = await tempDataDir();
  await seedPairedAgent(dataDir, hub);
  const agent = createAgent({ dataDir, reconnectMaxMs: 50, driftScanMs: 0, ingestPort: 0 });
  await agent.start();
  if (online) await agent.waitFor("online", 3000);
  const url = `http://127.0.0.1:${agent.ingestPort}/v1/insights`;
  const token = (await readFile(join(dataDir, "ingest-token"), "utf8")).trim();
  return { hub, dataDir, cleanup, agent, url, token };
}
