import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunningAgent } from "./agents.js";
import type { Api } from "./api.js";
import { runNode } from "./child.js";
import { agentBin } from "./paths.js";

/** One NDJSON line as a tenant's SIEM exports it (API.md: `canopy-agent insights import FILE`). */
export interface InsightLine {
  id: string;
  title: string;
  severity: "low" | "medium" | "high" | "critical";
  status: "new" | "in_progress" | "closed";
  createdAt: string;
  ruleId?: string;
  ruleName?: string;
  tactics?: readonly string[];
  techniques?: readonly string[];
  hosts?: readonly string[];
  users?: readonly string[];
}

/** Writes the lines as an NDJSON file in the agent's folder and runs `canopy-agent insights import` on it. */
export async function importInsights(agent: RunningAgent, lines: readonly InsightLine[]): Promise<void> {
  const file = join(agent.dataDir, `import-${Date.now()}.ndjson`);
  await writeFile(file, lines.map((line) => JSON.stringify(line)).join("\n") + "\n");
  const result = await runNode(agentBin, ["insights", "import", file, "--data-dir", agent.dataDir]);
  if (result.code !== 0) throw new Error(`canopy-agent insights import failed (${result.code}): ${result.output}`);
}

/**
 * Waits until the hub counts `total` insights over all tenants: the agents deliver imported
 * insights in the background. Asked through the dashboard preview, the way the widgets count.
 */
export async function waitForHubInsights(api: Api, total: number, timeoutMs = 30_000): Promise<void> {
  const widget = {
    id: "probe",
    type: "severity-counts",
    title: "probe",
    range: "all",
    lifecycle: "created",
    refreshSeconds: 0,
    tenants: { all: true },
    layout: { x: 0, y: 0, w: 4, h: 4 },
  };
  const deadline = Date.now() + timeoutMs;
  let seen = -1;
  for (;;) {
    const result = await api<{ data: { rows: { value: number }[] } }>("POST", "/dashboards/preview", { widget });
    seen = result.data.rows.reduce((sum, row) => sum + row.value, 0);
    if (seen === total) return;
    if (Date.now() > deadline) throw new Error(`the hub counts ${seen} insights, not ${total}, after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
