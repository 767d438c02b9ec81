import { openAgentStore } from "../src/identity/credentials.js";
import { InsightSync } from "../src/insights/insight-sync.js";
import type { IngestResult } from "../src/insights/insight-store.js";
import { silentLogger } from "../src/core/logger.js";
import { agentPaths } from "../src/core/paths.js";

/** One insight as a source would send it (JSON-ready: dates as ISO strings). */
export function sourceInsight(id: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    title: `Suspicious activity ${id}`,
    severity: "high",
    createdAt: "2030-01-01T10:00:00.000Z",
    hosts: ["WS-FIN-042"],
    techniques: ["T1003.001"],
    ...extra,
  };
}

export const manyInsights = (count: number, prefix = "in", extra: Record<string, unknown> = {}) =>
  Array.from({ length: count }, (_, i) => sourceInsight(`${prefix}-${String(i + 1).padStart(5, "0")}`, extra));

/** Stores insights in a stopped agent's data dir, as `insights import` does when no agent runs. */
export async function storeInsights(dataDir: string, values: unknown[]): Promise<IngestResult> {
  const store = await openAgentStore(agentPaths(dataDir), { create: true });
  try {
    return await new InsightSync({ store, logger: silentLogger }).ingest(values, "import");
  } finally {
    await store.close();
  }
}
