// The scale suite (`npm run bench`, `npm run bench -- scale --agents N --scenarios P1,P4`):
// issue 13's scenarios P0–P7 at real size, every one beside a bare-`ws` baseline doing the same
// message pattern in the same run. The baseline runs first (bare clients in the fleets), then
// the hub with real agents in the same fleets, then P6 on a hub of its own.
import { cpus, loadavg, totalmem } from "node:os";
import { sharedDataFile, sigmaFiles } from "@canopy/shared-data";
import { insightsRestartBench, type RestartBenchFigures } from "../insights-restart.js";
import { bareSide, type BareFigures } from "./bare-side.js";
import { FleetPool } from "./fleet-pool.js";
import { hubSide, type HubFigures } from "./hub-side.js";
import type { ScaleOptions } from "./scale-options.js";

export interface ScaleRun {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; memoryBytes: number; node: string; platform: string; loadAverageAtStart: number[]; loadAverageAtEnd: number[] };
  options: ScaleOptions;
  bare?: BareFigures;
  hub?: HubFigures;
  insights?: RestartBenchFigures;
  durationS: number;
}

function batchesOf(texts: string[], size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < texts.length; i += size) out.push(JSON.stringify(texts.slice(i, i + size)));
  return out;
}

export async function runScale(options: ScaleOptions): Promise<ScaleRun> {
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const loadAverageAtStart = loadavg();
  const allFiles = sigmaFiles();
  const files = options.rules > 0 ? allFiles.slice(0, options.rules) : allFiles;
  const playbook = sharedDataFile("cacao", "examples", "ssh-playbook.json");
  const run: ScaleRun = {
    startedAt,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "?", memoryBytes: totalmem(), node: process.version, platform: process.platform, loadAverageAtStart, loadAverageAtEnd: [] },
    options,
    durationS: 0,
  };
  const holdsAgents = options.scenarios.some((s) => s !== "P6");
  if (holdsAgents) {
    const pool = await FleetPool.start(options.fleets);
    try {
      console.log(`scale: baseline (bare ws), ${options.agents} clients over ${options.fleets} fleet processes`);
      run.bare = await bareSide(options, pool, { playbook, ruleBatches: batchesOf(files.map((f) => f.text), 500) });
      console.log(`scale: canopy hub, ${options.agents} agents`);
      run.hub = await hubSide(options, pool, { playbook, sigmaFiles: files });
    } finally {
      await pool.stop();
    }
  }
  if (options.scenarios.includes("P6")) {
    console.log(`scale: P6, ${options.insightTenants} tenants × ${options.insightsPerTenant} insights`);
    run.insights = await insightsRestartBench({ tenants: options.insightTenants, perTenant: options.insightsPerTenant });
  }
  run.machine.loadAverageAtEnd = loadavg();
  run.durationS = (performance.now() - started) / 1000;
  return run;
}
