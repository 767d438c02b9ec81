// P7's idle agent: one `canopy-agent run` as a user runs it (its own process, the CLI's defaults:
// ingest endpoint on, drift scan on), paired to its own tenant; its RSS once connected and settled.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pairAgent } from "@canopy/agent";
import type { HubApi } from "../bench-hub.js";
import { privateMemoryOf, settledRss } from "../processes.js";

const AGENT_BIN = fileURLToPath(new URL("../../../../apps/agent/bin/canopy-agent", import.meta.url));

export interface IdleAgentMemory {
  rss: number;
  /** Anonymous pages only: what this agent adds to a host where Node already runs. */
  private: number;
}

export async function idleAgentMemory(hubUrl: string, api: HubApi, dir: string, timeoutMs: number): Promise<IdleAgentMemory> {
  const tenant = await api<{ id: string }>("POST", "/tenants", { name: "Scale idle agent" });
  const { code } = await api<{ code: string }>("POST", `/tenants/${tenant.id}/pairing-codes`, {});
  const dataDir = join(dir, "idle-agent");
  await pairAgent({ hubUrl, code, dataDir });
  const child = spawn(process.execPath, [AGENT_BIN, "run", "--data-dir", dataDir], { stdio: ["ignore", "pipe", "ignore"], env: { ...process.env, CANOPY_LOG_LEVEL: "warn" } });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      let out = "";
      const timer = setTimeout(() => reject(new Error(`canopy-agent run: not connected within ${timeoutMs / 1000} s`)), timeoutMs);
      child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
        out += chunk;
        if (out.includes("connected to ")) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`canopy-agent run exited (${code}) before it connected`));
      });
    });
    const rss = await settledRss(child.pid!);
    return { rss, private: privateMemoryOf(child.pid!) };
  } finally {
    child.kill("SIGTERM");
    await exited;
    // Its tenant would stay offline: a push to all would wait for it for ever.
    await api("DELETE", `/tenants/${tenant.id}`);
  }
}
