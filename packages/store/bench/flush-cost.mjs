/* global process, performance, setInterval, clearInterval */
// Flush cost of the lowdb store: one large partition, and many mid-size ones. Prints the file
// size, how long the flush takes and the longest the event loop was held up meanwhile.
// Run after a build: node packages/store/bench/flush-cost.mjs
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLowdbStore } from "../dist/index.js";

const insight = (i) => ({
  id: `ins-${i}`,
  title: `Mimikatz on WS-FIN-${i}`,
  severity: "high",
  status: "new",
  createdAt: "2030-01-05T10:00:00.000Z",
  updatedAt: "2030-01-05T10:00:00.000Z",
  closedAt: null,
  ruleId: "r-1",
  ruleName: "Credential dumping",
  tactics: ["credential-access"],
  techniques: ["T1003.001"],
  hosts: [`WS-FIN-${i}`],
  users: ["j.doe"],
  assignee: null,
  revision: 1,
  source: "demo",
  description: "x".repeat(200),
  comments: [],
  fields: { process: "lsass.exe" },
});

async function run(label, partitions, perPartition) {
  const dir = await mkdtemp(join(tmpdir(), "canopy-flush-cost-"));
  const store = await createLowdbStore({ dir, coalesceMs: 60_000 });
  for (let p = 0; p < partitions; p++) {
    const collection = store.collection(`part.${p}`);
    for (let i = 0; i < perPartition; i++) collection.put(insight(p * perPartition + i));
  }
  await store.flush();
  // The steady state: one document changed per partition, every partition rewritten.
  for (let p = 0; p < partitions; p++) store.collection(`part.${p}`).put(insight(p * perPartition));
  let last = performance.now();
  let longest = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  const started = performance.now();
  await store.flush();
  const ms = performance.now() - started;
  clearInterval(ticker);
  longest = Math.max(longest, performance.now() - last);
  const bytes = (await stat(join(dir, "part.0.json"))).size * partitions;
  process.stdout.write(`${label}: ${partitions} x ${perPartition} docs, ${(bytes / 1e6).toFixed(1)} MB: flush ${ms.toFixed(0)} ms, longest event-loop stall ${longest.toFixed(0)} ms\n`);
  await store.close();
  await rm(dir, { recursive: true, force: true });
}

await run("one large partition", 1, 100_000);
await run("many partitions", 200, 500);
