// `pnpm --filter @canopy/test-bench bench:agent-idle`: what a paired, connected, idle agent
// holds in memory (issue 13, P7: ≤ 60 MiB). A hub and a tenant, `canopy-agent pair`, then
// `canopy-agent run` as its own process; once it says it is connected and its RSS has settled
// (several readings in a row within 1 %), its RSS and peak are printed. Asserts nothing.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pairAgent } from "@canopy/agent";
import { signIn, startBenchHub } from "./bench-hub.js";
import { mib, privateMemoryOf, settledRss } from "./processes.js";

const AGENT_BIN = fileURLToPath(new URL("../../../apps/agent/bin/canopy-agent", import.meta.url));

const peakRssOf = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN) * 1024;

export async function agentIdleBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "canopy-bench-agent-idle-"));
  const hub = await startBenchHub(dir);
  try {
    const api = await signIn(hub.url);
    const tenant = await api<{ id: string }>("POST", "/tenants", { name: "Idle agent bench" });
    const { code } = await api<{ code: string }>("POST", `/tenants/${tenant.id}/pairing-codes`, {});
    const agentDir = join(dir, "agent");
    await pairAgent({ hubUrl: hub.url, code, dataDir: agentDir });
    const agent = spawn(process.execPath, [AGENT_BIN, "run", "--data-dir", agentDir], { stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, CANOPY_LOG_LEVEL: "warn" } });
    try {
      await new Promise<void>((resolve, reject) => {
        let out = "";
        agent.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString("utf8");
          if (/connected/i.test(out)) resolve();
        });
        agent.once("exit", (code) => reject(new Error(`canopy-agent run exited (${code}) before it connected: ${out.slice(0, 500)}`)));
      });
      const rss = await settledRss(agent.pid!, { everyMs: 250, samples: 8, timeoutMs: 20_000 });
      console.log(`\nidle agent (canopy-agent run, paired, connected; node ${process.version}): RSS ${mib(rss)}, peak ${mib(peakRssOf(agent.pid!))}, private ${mib(privateMemoryOf(agent.pid!))}\n`);
    } finally {
      await new Promise<void>((resolve) => {
        agent.once("exit", () => resolve());
        agent.kill("SIGTERM");
      });
    }
  } finally {
    await hub.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
