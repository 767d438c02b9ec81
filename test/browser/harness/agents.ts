import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vi } from "vitest";
import type { Api } from "./api.js";
import { runNode, spawnNode, type Child } from "./child.js";
import { agentBin } from "./paths.js";

export interface RunningAgent {
  tenantId: string;
  tenantName: string;
  dataDir: string;
  child: Child;
}

/**
 * A tenant with a real agent: the tenant and its pairing code from the API, then
 * `canopy-agent pair` and `canopy-agent run` as child processes, as an MSSP engineer would.
 */
export async function startPairedAgent(api: Api, hubUrl: string, tenantName: string): Promise<RunningAgent> {
  const tenant = await api<{ id: string }>("POST", "/tenants", { name: tenantName });
  const { code } = await api<{ code: string }>("POST", `/tenants/${tenant.id}/pairing-codes`, {});
  const dataDir = await mkdtemp(join(tmpdir(), "canopy-browser-agent-"));
  const paired = await runNode(agentBin, ["pair", "--hub", hubUrl, "--code", code, "--data-dir", dataDir]);
  if (paired.code !== 0) throw new Error(`canopy-agent pair failed (${paired.code}): ${paired.output}`);
  const child = spawnNode(agentBin, ["run", "--data-dir", dataDir]);
  return { tenantId: tenant.id, tenantName, dataDir, child };
}

/** Until every tenant is online (the agents connected), asking the hub every 200 ms; fails after `timeoutMs` naming the ones still not online. */
export async function waitOnline(api: Api, tenantIds: readonly string[], timeoutMs = 20_000): Promise<void> {
  await vi.waitFor(
    async () => {
      const { items } = await api<{ items: { id: string; status: string }[] }>("GET", "/tenants?limit=200");
      const online = new Set(items.filter((tenant) => tenant.status === "online").map((tenant) => tenant.id));
      const missing = tenantIds.filter((id) => !online.has(id));
      if (missing.length > 0) throw new Error(`agents not online within ${timeoutMs} ms: ${missing.join(", ")}`);
    },
    { timeout: timeoutMs, interval: 200 },
  );
}

export interface HeldContent {
  kind: string;
  name: string;
  revision: number;
  hash: string;
}

/** What the tenant holds, asked the way its admin would: `canopy-agent content list --json`. */
export function heldContent(dataDir: string): Promise<HeldContent[]> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [agentBin, "content", "list", "--json", "--data-dir", dataDir],
      { env: { ...process.env, CANOPY_LOG_LEVEL: "warn" } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`canopy-agent content list failed: ${stderr || error.message}`));
        else resolve(JSON.parse(stdout) as HeldContent[]);
      },
    );
  });
}

export async function removeAgentDirs(agents: readonly RunningAgent[]): Promise<void> {
  await Promise.all(agents.map((agent) => rm(agent.dataDir, { recursive: true, force: true })));
}
