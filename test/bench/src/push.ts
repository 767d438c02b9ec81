// `npm run bench -- push [--store postgres [--admin-url URL]]`: time to push every Sigma rule in
// ../shared/data to 10 agents, and one CACAO playbook to 100 agents, acknowledgements included;
// with the same bytes sent over bare `ws` (one echo per batch) as the baseline. Also the time to
// import the rules (one request, one unit of work).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createAgent, pairAgent } from "@canopy/agent";
import { sharedDataFile, sigmaFiles } from "@canopy/shared-data";
import WebSocket from "ws";
import { benchDatabase } from "./bench-database.js";
import { signIn, startBenchHub, type HubApi } from "./bench-hub.js";
import { mib, startServer } from "./processes.js";

const baselineScript = fileURLToPath(new URL("./baseline-server.js", import.meta.url));

export interface PushBenchOptions {
  /** Run the hub on PostgreSQL (a fresh database: see `benchDatabase`). */
  postgres: boolean;
  adminUrl?: string | undefined;
}

async function withHub<T>(agentCount: number, options: PushBenchOptions, body: (ctx: HubContext) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "canopy-bench-push-"));
  const database = options.postgres ? await benchDatabase(options.adminUrl) : undefined;
  const hub = await startBenchHub(dir, 0, database ? { databaseUrl: database.url } : {});
  const api = await signIn(hub.url);
  const agents: ReturnType<typeof createAgent>[] = [];
  for (let start = 0; start < agentCount; start += 20) {
    await Promise.all(
      Array.from({ length: Math.min(20, agentCount - start) }, async (_, k) => {
        const i = start + k;
        const tenant = await api<{ id: string }>("POST", "/tenants", { name: `Push bench ${i}` });
        const { code } = await api<{ code: string }>("POST", `/tenants/${tenant.id}/pairing-codes`, {});
        const dataDir = join(dir, `agent-${i}`);
        await pairAgent({ hubUrl: hub.url, code, dataDir });
        const agent = createAgent({ dataDir, reconnectMaxMs: 2000 });
        await agent.start();
        await agent.waitFor("online", 30_000);
        agents.push(agent);
      }),
    );
  }
  try {
    return await body({ api, rss: () => hub.rssBytes() });
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
    await hub.stop();
    await database?.drop();
    await rm(dir, { recursive: true, force: true });
  }
}

export interface HubContext {
  api: HubApi;
  rss: () => number;
}

export type PushSummary = { id: string; state: string; progress: { pending: number; applied: number; total: number; failed: number } };

export async function timePush(ctx: Pick<HubContext, "api">, items: { kind: string; id: string }[], targets: unknown = { all: true }, { timeoutMs }: { timeoutMs?: number } = {}) {
  // The live feed's `push.progress` (counts only, no results) says when the push is done; it is
  // open before the push starts, so even a push that finishes at once is seen finishing.
  const feed = await ctx.api.liveFeed();
  try {
    const from = feed.position;
    const started = performance.now();
    const { id } = await ctx.api<{ id: string }>("POST", "/pushes", { items, targets });
    const push = await feed.waitFor(
      `push ${id} to finish`,
      ({ event, data }) => {
        const progress = data as PushSummary;
        return event === "push.progress" && progress.id === id && progress.state !== "running" && progress.progress.pending === 0 ? progress : undefined;
      },
      { from, ...(timeoutMs ? { timeoutMs } : {}) },
    ).catch(async (error: Error) => {
      // Say where it stands: which tenants it still waits for is what finds the cause.
      const record = await ctx.api<{ progress: unknown; results: { tenantId: string; status: string }[] }>("GET", `/pushes/${id}`).catch(() => undefined);
      const waiting = record?.results.filter((r) => r.status === "pending").map((r) => r.tenantId) ?? [];
      throw new Error(`${error.message}; progress ${JSON.stringify(record?.progress)}, still pending at ${waiting.length} tenants (${waiting.slice(0, 5).join(", ")})`, { cause: error });
    });
    return { ms: performance.now() - started, push };
  } finally {
    await feed.close();
  }
}

/** The same payload bytes through a bare ws echo: send each batch, wait for its echo, per agent. */
async function baselineBytes(batches: string[], agentCount: number): Promise<number> {
  const server = await startServer(baselineScript, []);
  const clients = await Promise.all(
    Array.from({ length: agentCount }, () => new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(server.url.replace("http", "ws"), { maxPayload: 64 * 1024 * 1024 });
      ws.once("open", () => resolve(ws));
      ws.once("error", reject);
    })),
  );
  const started = performance.now();
  await Promise.all(
    clients.map(async (ws) => {
      for (const batch of batches) {
        await new Promise<void>((resolve) => {
          ws.once("message", () => resolve());
          ws.send(batch);
        });
      }
    }),
  );
  const ms = performance.now() - started;
  for (const ws of clients) ws.terminate();
  await server.stop();
  return ms;
}

function batchesOf(bodies: unknown[], size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < bodies.length; i += size) out.push(JSON.stringify(bodies.slice(i, i + size)));
  return out;
}

export async function pushBench(options: PushBenchOptions = { postgres: false }): Promise<void> {
  const files = sigmaFiles();
  const sigma = await withHub(10, options, async (ctx) => {
    const importStarted = performance.now();
    const imported = await ctx.api<{ created: { id: string }[]; refused: unknown[] }>("POST", "/content/import", { files });
    const importMs = performance.now() - importStarted;
    const items = imported.created.map((r) => ({ kind: "siem-rules", id: r.id }));
    const result = await timePush(ctx, items);
    return { rules: items.length, refused: imported.refused.length, importMs, ...result, rss: ctx.rss() };
  });
  const sigmaBaseline = await baselineBytes(batchesOf(files.map((f) => f.text), 500), 10);

  const playbookText = sharedDataFile("cacao", "examples", "ssh-playbook.json");
  const playbook = await withHub(100, options, async (ctx) => {
    const created = await ctx.api<{ created: { id: string }[] }>("POST", "/content/import", JSON.parse(playbookText));
    const result = await timePush(ctx, [{ kind: "playbooks", id: created.created[0]!.id }]);
    return { ...result, rss: ctx.rss() };
  });
  const playbookBaseline = await baselineBytes([playbookText], 100);

  console.log(`\nCanopy push benchmark on the ${options.postgres ? "PostgreSQL" : "embedded"} store (node ${process.version})\n`);
  console.log(`import of ${files.length} Sigma files (${sigma.rules} rules) in one request: ${sigma.importMs.toFixed(0)} ms\n`);
  const rows = [
    ["push", "canopy (acks included)", "bare ws echo of same bytes", "ratio", "results"],
    [
      `${sigma.rules} Sigma rules → 10 agents`,
      `${sigma.ms.toFixed(0)} ms`,
      `${sigmaBaseline.toFixed(0)} ms`,
      (sigma.ms / sigmaBaseline).toFixed(2),
      `${sigma.push.progress.applied}/${sigma.push.progress.total} applied, ${sigma.refused} refused at import, hub RSS ${mib(sigma.rss)}`,
    ],
    [
      "1 playbook → 100 agents",
      `${playbook.ms.toFixed(0)} ms`,
      `${playbookBaseline.toFixed(0)} ms`,
      (playbook.ms / playbookBaseline).toFixed(2),
      `${playbook.push.progress.applied}/${playbook.push.progress.total} applied, hub RSS ${mib(playbook.rss)}`,
    ],
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  for (const row of rows) console.log(row.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));
}
