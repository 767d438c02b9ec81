// `pnpm --filter @canopy/test-bench bench:ingest`: what one POST to an agent's loopback ingest
// endpoint costs the agent: time to answer, the agent's peak RSS, the answer's size. Each case
// runs against a fresh `canopy-agent run` process (so its peak is the case's own), paired with a
// real hub. Cases: 4 MiB of `{}` lines (nothing valid), 4 MiB of valid insights as NDJSON, and
// the same insights as one JSON array.
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pairAgent } from "@canopy/agent";
import { signIn, startBenchHub } from "./bench-hub.js";
import { mib } from "./processes.js";

const AGENT_BIN = fileURLToPath(new URL("../../../apps/agent/bin/canopy-agent", import.meta.url));
const BODY_BYTES = 4 * 1024 * 1024;

/** Peak and current resident memory of a process, from /proc (Linux). */
function memoryOf(pid: number): { peak: number; rss: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
  return { peak: kb("VmHWM"), rss: kb("VmRSS") };
}

function insight(n: number): string {
  return JSON.stringify({
    id: `bench-${String(n).padStart(7, "0")}`,
    title: `Suspicious PowerShell download on WS-FIN-${n % 100}`,
    severity: ["low", "medium", "high", "critical"][n % 4],
    createdAt: new Date(Date.UTC(2030, 0, 1, 0, 0, n % 60)).toISOString(),
    hosts: [`ws-fin-${n % 100}`],
    users: ["j.doe"],
    techniques: ["T1059.001"],
  });
}

function linesOf(bytes: number, line: (n: number) => string): string[] {
  const lines: string[] = [];
  for (let n = 0, total = 0; total < bytes; n++) {
    const text = line(n);
    lines.push(text);
    total += Buffer.byteLength(text) + 1;
  }
  return lines;
}

const CASES: { name: string; body: () => string }[] = [
  { name: "4 MiB of {} lines", body: () => `${linesOf(BODY_BYTES, () => "{}").join("\n")}\n` },
  { name: "4 MiB of valid insights, NDJSON", body: () => `${linesOf(BODY_BYTES, insight).join("\n")}\n` },
  // Just under 4 MiB: what the endpoint parses whole as one JSON document (NDJSON goes further).
  { name: "4 MiB of valid insights, JSON array", body: () => `[${linesOf(BODY_BYTES - 64 * 1024, insight).join(",")}]` },
];

/** Starts `canopy-agent run` and resolves with its ingest URL once it listens. */
function startAgent(dataDir: string) {
  const child = spawn(process.execPath, [AGENT_BIN, "run", "--data-dir", dataDir, "--ingest-port", "0"], {
    env: { ...process.env, CANOPY_LOG_LEVEL: "error" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = new Promise<string>((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`canopy-agent run exited with ${code}: ${out}`)));
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      const found = /insight ingest endpoint: (http:\/\/\S+)/.exec(out)?.[1];
      if (found) resolve(found);
    });
  });
  const stop = () =>
    new Promise<void>((done) => {
      child.once("exit", () => done());
      child.kill("SIGTERM");
    });
  return { child, url, stop };
}

export async function ingestBench(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "canopy-bench-ingest-"));
  const hub = await startBenchHub(dir);
  try {
    const api = await signIn(hub.url);
    console.log(`ingest bench: one POST per case to a fresh \`canopy-agent run\`, paired with a real hub`);
    for (const [i, benchCase] of CASES.entries()) {
      const tenant = await api<{ id: string }>("POST", "/tenants", { name: `Ingest bench ${i}` });
      const { code } = await api<{ code: string }>("POST", `/tenants/${tenant.id}/pairing-codes`, {});
      const dataDir = join(dir, `agent-${i}`);
      await pairAgent({ hubUrl: hub.url, code, dataDir });
      const agent = startAgent(dataDir);
      try {
        const url = await agent.url;
        const token = (await readFile(join(dataDir, "ingest-token"), "utf8")).trim();
        const body = benchCase.body();
        const before = memoryOf(agent.child.pid!);
        const started = performance.now();
        const response = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson" }, body });
        const answer = await response.text();
        const ms = performance.now() - started;
        const after = memoryOf(agent.child.pid!);
        const summary = answer.length > 200 ? `${answer.slice(0, 160)}…` : answer;
        console.log(
          `${benchCase.name.padEnd(36)} body ${mib(Buffer.byteLength(body))}: ${response.status} in ${(ms / 1000).toFixed(2)} s; ` +
            `agent RSS ${mib(before.rss)} before, peak ${mib(after.peak)}; answer ${mib(Buffer.byteLength(answer))} ${summary}`,
        );
      } finally {
        await agent.stop();
      }
    }
  } finally {
    await hub.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
