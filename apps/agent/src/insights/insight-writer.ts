import { openAgentStore } from "../identity/credentials.js";
import { AgentCliError } from "../core/errors.js";
import { readIngestToken } from "../ingest/ingest-token.js";
import { ingestUrl } from "../ingest/ingest-address.js";
import { InsightSync } from "./insight-sync.js";
import type { IngestResult } from "./insight-store.js";
import { silentLogger } from "../core/logger.js";
import type { AgentPaths } from "../core/paths.js";
import { liveRuntimeRecord } from "../core/runtime-file.js";
import { removeWriteDebris } from "../content/write-debris.js";

/**
 * Where a CLI command puts insights. Only one process may write the store file (two lowdb
 * writers lose each other's changes), so while `canopy-agent run` runs for the data dir they go
 * to its ingest endpoint; otherwise the command writes the store itself and the next run sends
 * them to the hub.
 */
export interface InsightWriter {
  readonly via: "agent" | "store";
  /** The running agent's pid when `via` is "agent". */
  readonly pid: number | null;
  /** Stores values (each naming its `source`); resolves once they are on disk. */
  write(values: unknown[]): Promise<IngestResult>;
  close(): Promise<void>;
}

/** The running agent's ingest port, null when no agent runs; throws when one runs without an endpoint. */
export async function runningIngestPort(paths: AgentPaths): Promise<{ pid: number; port: number } | null> {
  const runtime = await liveRuntimeRecord(paths.runtimeFile);
  if (!runtime) return null;
  if (runtime.ingestPort === undefined) {
    throw new AgentCliError(
      "ingest_unavailable",
      `an agent (pid ${runtime.pid}) is running for ${paths.dataDir} without an ingest endpoint; stop it, or restart it with canopy-agent run, then try again`,
    );
  }
  return { pid: runtime.pid, port: runtime.ingestPort };
}

export async function openInsightWriter(paths: AgentPaths): Promise<InsightWriter> {
  const running = await runningIngestPort(paths);
  if (running) {
    const token = await readIngestToken(paths.ingestTokenFile);
    if (!token) throw new AgentCliError("ingest_unavailable", `the running agent's ingest token (${paths.ingestTokenFile}) is missing`);
    const url = ingestUrl(running.port);
    return { via: "agent", pid: running.pid, write: (values) => postInsights(url, token, running.pid, values), close: async () => {} };
  }
  await removeWriteDebris(paths);
  const store = await openAgentStore(paths, { create: true });
  const sync = new InsightSync({ store, logger: silentLogger });
  return {
    via: "store",
    pid: null,
    // Not flushed per chunk (a big file would rewrite the whole partition each time): once, on close.
    write: async (values) => sync.insights.ingest(values, { source: "import" }),
    close: () => store.close(),
  };
}

interface IngestAnswer extends Partial<IngestResult> {
  error?: string;
}

async function postInsights(url: string, token: string, pid: number, values: unknown[]): Promise<IngestResult> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      // NDJSON: the endpoint reads it line by line (a JSON array is parsed whole, and bounded lower).
      headers: { authorization: `Bearer ${token}`, "content-type": "application/x-ndjson" },
      body: `${values.map((value) => JSON.stringify(value)).join("\n")}\n`,
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error instanceof Error ? error.message : String(error));
    throw new AgentCliError("ingest_unavailable", `the running agent (pid ${pid}) did not take the insights at ${url} (${cause}); nothing more was sent`);
  }
  const answer = (await response.json().catch(() => ({}))) as IngestAnswer;
  if (response.status === 200 || response.status === 422) {
    return {
      accepted: answer.accepted ?? 0,
      created: answer.created ?? 0,
      updated: answer.updated ?? 0,
      unchanged: answer.unchanged ?? 0,
      failed: answer.failed ?? [],
      ...(answer.failedCount === undefined ? {} : { failedCount: answer.failedCount }),
    };
  }
  if (response.status === 401) throw new AgentCliError("ingest_unavailable", `the running agent (pid ${pid}) refused the ingest token; is ${url} another agent's?`);
  throw new AgentCliError("ingest_unavailable", `the running agent (pid ${pid}) answered ${response.status}: ${answer.error ?? "no detail"}`);
}
