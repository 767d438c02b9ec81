import type { Command } from "commander";
import { complain, dataDirOption, ExitCode, printJson, say, wholeNumber } from "./cli-output.js";
import { readEnv, resolveDataDir } from "./env.js";
import { insightBytes } from "../insights/insight-doc.js";
import { openInsightWriter } from "../insights/insight-writer.js";
import { ChunkedWriter, importInsightsFile, type ImportReport } from "../insights/insights-import.js";
import { listInsights } from "./local-data.js";
import { agentPaths } from "../core/paths.js";

async function insightsListCommand(options: { json?: boolean; dataDir?: string }): Promise<number> {
  const insights = await listInsights({ dataDir: resolveDataDir(options.dataDir, readEnv()) });
  if (options.json) printJson(insights);
  else if (insights.length === 0) say("no insights");
  else {
    for (const i of insights) {
      const who = i.assignee ? `\t${i.assignee}` : "";
      say(`${i.createdAt}\t${i.severity.padEnd(8)}\t${i.status.padEnd(11)}\t${i.id}\t${i.title}${who}`);
    }
  }
  return ExitCode.ok;
}

/** Bad lines reported one per stderr line, up to this many; the rest are counted. */
const PROBLEMS_SHOWN = 20;

function problemPrinter(label: (origin: number) => string): { report(origin: number, error: string): void; finish(failed: number): void } {
  let shown = 0;
  return {
    report(origin, error) {
      if (shown++ < PROBLEMS_SHOWN) complain(`${label(origin)}: ${error}`);
    },
    finish(failed) {
      if (failed > PROBLEMS_SHOWN) complain(`… and ${failed - PROBLEMS_SHOWN} more`);
    },
  };
}

function importSummary(verb: string, report: Omit<ImportReport, "via" | "pid">): string {
  const unchanged = report.unchanged > 0 ? `, ${report.unchanged} unchanged` : "";
  return `${verb} ${report.imported} insights (${report.created} new, ${report.updated} updated${unchanged}), ${report.failed} failed`;
}

function whereTheyWent(via: ImportReport["via"], pid: number | null): string {
  return via === "agent"
    ? `handed to the running agent (pid ${pid ?? "?"}), which sends them to the hub`
    : "stored in the data dir; the next canopy-agent run sends them to the hub";
}

async function insightsImportCommand(file: string, options: { json?: boolean; dataDir?: string }): Promise<number> {
  const paths = agentPaths(resolveDataDir(options.dataDir, readEnv()));
  const problems = problemPrinter((line) => `line ${line}`);
  const errors: { line: number; error: string }[] = [];
  const report = await importInsightsFile({
    paths,
    file,
    onProblem: ({ line, error }) => {
      problems.report(line, error);
      if (errors.length < 100) errors.push({ line, error });
    },
    onProgress: (lines) => void process.stderr.write(`importing ${file}: ${lines} lines read\n`),
  });
  problems.finish(report.failed);
  if (options.json) printJson({ ...report, errors });
  else {
    say(importSummary("imported", report));
    if (report.imported > 0) say(whereTheyWent(report.via, report.pid));
  }
  return report.failed > 0 ? ExitCode.error : ExitCode.ok;
}

async function insightsGenerateCommand(options: { count: number; seed?: string; sigmaDir?: string; recent?: boolean; json?: boolean; dataDir?: string }): Promise<number> {
  const paths = agentPaths(resolveDataDir(options.dataDir, readEnv()));
  // Loaded for this command only: the detections, rule reader and yaml are no part of a running agent's memory.
  const [{ findSigmaDir }, { generateDemoInsights }] = await Promise.all([import("../demo/sigma-rules.js"), import("../demo/demo-insights.js")]);
  const sigmaDir = await findSigmaDir(options.sigmaDir);
  const insights = await generateDemoInsights({
    count: options.count,
    sigmaDir,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.recent ? { recent: true } : {}),
  });
  const writer = await openInsightWriter(paths);
  const problems = problemPrinter((index) => `insight ${index + 1}`);
  let report;
  try {
    const chunks = new ChunkedWriter<number>(writer, (index, error) => problems.report(index, error));
    for (const [index, insight] of insights.entries()) await chunks.add(insight, index, insightBytes(insight));
    await chunks.flush();
    report = chunks.report;
  } finally {
    await writer.close();
  }
  problems.finish(report.failed);
  const from = sigmaDir ? `Sigma rules in ${sigmaDir}` : "the built-in detections";
  if (options.json) printJson({ ...report, via: writer.via, rules: sigmaDir ?? "built-in" });
  else {
    say(`${importSummary("generated", report)} from ${from}`);
    if (report.imported > 0) say(whereTheyWent(writer.via, writer.pid));
  }
  return report.failed > 0 ? ExitCode.error : ExitCode.ok;
}

/** `canopy-agent insights list | import | generate`. */
export function addInsightsCommands(program: Command, setExitCode: (code: number) => void): void {
  const act =
    <O>(command: (options: O) => Promise<number>) =>
    async (options: O) =>
      setExitCode(await command(options));
  const insights = program
    .command("insights")
    .description("the tenant's insights held by this agent")
    .addHelpText(
      "after",
      "\nThe agent owns the tenant's insights and sends every change to the hub. While canopy-agent run is\n" +
        "running for the data dir, import and generate hand insights to it (its loopback ingest endpoint);\n" +
        "otherwise they write the data dir and the next run sends them.",
    );
  insights
    .command("list")
    .description("list the insights this agent holds, oldest first")
    .option("--json", "print them as a JSON array (the protocol's Insight, dates as ISO strings)")
    .addOption(dataDirOption())
    .action(act(insightsListCommand));
  insights
    .command("import")
    .description("add or update insights from an NDJSON file, one insight per line")
    .argument("<file>", "the NDJSON file")
    .option("--json", "print the summary as JSON")
    .addOption(dataDirOption())
    .addHelpText(
      "after",
      "\nEach line is one insight: id, title and severity (low, medium, high, critical) are required;\n" +
        "description, status (new, in_progress, closed; default new), createdAt, closedAt (ISO 8601),\n" +
        "ruleId, ruleName, tactics, techniques, hosts, users, assignee, comments, fields, source (default import)\n" +
        "are optional. revision and updatedAt are the agent's. The id is the key: importing again updates,\n" +
        "never duplicates; a field left out keeps its value.\n" +
        'Example line: {"id":"siem-4711","title":"Mimikatz on WS-FIN-042","severity":"critical","techniques":["T1003.001"]}\n' +
        "Bad lines are reported as error: line N: … and skipped; the exit code is 1 when any line failed.",
    )
    .action(async (file: string, options: { json?: boolean; dataDir?: string }) => setExitCode(await insightsImportCommand(file, options)));
  insights
    .command("generate")
    .description("make realistic demo insights from Sigma rules (severity from level, ATT&CK from tags)")
    .option("--count <n>", "how many", wholeNumber(1, 100_000), 50)
    .option("--seed <seed>", "same seed, same insights (ids included); default: random")
    .option("--sigma-dir <dir>", "a folder of Sigma rules (default: ../shared/data/sigma beside the checkout, else a built-in list)")
    .option("--recent", "found in the last few minutes and still new, like a live feed")
    .option("--json", "print the summary as JSON")
    .addOption(dataDirOption())
    .action(act(insightsGenerateCommand));
}
