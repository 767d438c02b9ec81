import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { InsightInput } from "@canopy/protocol";
import { vi } from "vitest";
import type { RunningAgent } from "./agents.js";
import type { Api } from "./api.js";
import { runNode } from "./child.js";
import { agentBin } from "./paths.js";

type ListField = "tactics" | "techniques" | "hosts" | "users";

/**
 * One NDJSON line as a tenant's SIEM exports it (API.md: `canopy-agent insights import FILE`): the wire
 * insight with ISO dates, description and fields optional; the agent sets revision and updatedAt.
 */
export type SiemInsight = Omit<InsightInput, "createdAt" | "updatedAt" | "closedAt" | "comments" | "revision" | ListField> & {
  createdAt: string;
} & { readonly [K in ListField]?: readonly string[] };

/** Writes an NDJSON file beside the agent's data and imports it, as the tenant's admin would. */
export async function importSiemInsights(agent: RunningAgent, lines: readonly SiemInsight[]): Promise<void> {
  const file = join(agent.dataDir, `siem-export-${Date.now()}.ndjson`);
  await writeFile(file, lines.map((line) => JSON.stringify(line)).join("\n") + "\n");
  const result = await runNode(agentBin, ["insights", "import", file, "--data-dir", agent.dataDir]);
  if (result.code !== 0) throw new Error(`canopy-agent insights import failed (${result.code}): ${result.output}`);
}

export interface AgentInsight {
  id: string;
  status: string;
  assignee: string | null;
  revision: number;
  comments: { author: string; body: string }[];
}

/** What the tenant holds, asked the way its admin would: `canopy-agent insights list --json`. */
export function agentInsights(dataDir: string): Promise<AgentInsight[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [agentBin, "insights", "list", "--json", "--data-dir", dataDir],
      { env: { ...process.env, CANOPY_LOG_LEVEL: "warn" }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`canopy-agent insights list failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout) as AgentInsight[]);
      },
    );
  });
}

/** Until `GET /insights` counts `total` for the query (agents deliver in the background), asking every 150 ms. */
export async function waitForHubInsights(api: Api, total: number, query = "", timeoutMs = 30_000): Promise<void> {
  await vi.waitFor(
    async () => {
      const page = await api<{ total: number }>("GET", `/insights?limit=1${query ? `&${query}` : ""}`);
      if (page.total !== total) throw new Error(`the hub lists ${page.total} insights for "${query}", not ${total}, after ${timeoutMs} ms`);
    },
    { timeout: timeoutMs, interval: 150 },
  );
}
