import { Argument, Command, CommanderError } from "commander";
import { pino } from "pino";
import { AdapterConfig, readAdapterConfig, redactAdapterConfig, parseHeaders, writeAdapterConfig } from "../content/adapter-config.js";
import { createAgent } from "../runtime/agent.js";
import { readEnv, resolveDataDir, type AgentEnv } from "./env.js";
import { AgentCliError } from "../core/errors.js";
import { complain, dataDirOption, ExitCode, printJson, say, wholeNumber } from "./cli-output.js";
import { addInsightsCommands } from "./insights-commands.js";
import { addStoreCommands } from "./store-commands.js";
import { listContent, listManifest } from "./local-data.js";
import { ingestUrl } from "../ingest/ingest-address.js";
import { agentPaths } from "../core/paths.js";
import { pairAgent } from "../identity/pair.js";
import { readAgentStatus, type AgentStatus } from "./status.js";
import { unpairAgent } from "../identity/unpair.js";
import { AGENT_VERSION } from "../core/version.js";
import { WEBHOOK_TIMEOUT_MS } from "../content/webhook-adapter.js";

export { ExitCode } from "./cli-output.js";

function createLogger(env: AgentEnv, defaultLevel: "info" | "error") {
  // Logs go to stderr so stdout stays for the lines a person (or a script) reads.
  return pino({ name: "canopy-agent", level: env.logLevel ?? defaultLevel }, pino.destination({ dest: 2, sync: true }));
}

async function pairCommand(options: { hub: string; code: string; dataDir?: string; force?: boolean }): Promise<number> {
  const env = readEnv();
  const result = await pairAgent({ hubUrl: options.hub, code: options.code, dataDir: resolveDataDir(options.dataDir, env), force: options.force ?? false });
  say(`paired with tenant ${result.tenantName} at ${result.hubUrl}`);
  say(`agent id ${result.agentId}, key fingerprint ${result.keyFingerprint}`);
  say("start it with: canopy-agent run");
  return ExitCode.ok;
}

async function runCommand(options: { dataDir?: string; ingestPort?: number }): Promise<number> {
  const env = readEnv();
  const logger = createLogger(env, "info");
  const dataDir = resolveDataDir(options.dataDir, env);
  const agent = createAgent({
    dataDir,
    reconnectMaxMs: env.reconnectMaxMs,
    driftScanMs: env.driftScanMs,
    ingestPort: options.ingestPort ?? env.ingestPort,
    logger,
  });
  let reportedUnreachable = false;
  agent.on("online", ({ hubUrl, tenantName }) => {
    reportedUnreachable = false;
    say(`connected to ${hubUrl} as tenant ${tenantName}`);
  });
  agent.on("offline", ({ wasOnline, code, reason, error }) => {
    if (wasOnline) say(`disconnected from the hub (${reason || error || `code ${code}`}); reconnecting`);
    else if (!reportedUnreachable) say(`cannot reach the hub (${error ?? `closed with ${code}${reason ? ` ${reason}` : ""}`}); retrying`);
    reportedUnreachable ||= !wasOnline;
  });
  const finished = new Promise<number>((resolve) => {
    agent.on("unpaired", ({ reason }) => {
      say(`unpaired by the hub (${reason}); the credentials were removed`);
      resolve(ExitCode.unpaired);
    });
    agent.on("replaced", () => {
      say("replaced by another connection with the same key; stopping");
      resolve(ExitCode.replaced);
    });
    agent.on("stopped", ({ reason, message }) => {
      if (reason === "requested") {
        say("stopped");
        resolve(ExitCode.ok);
      } else {
        complain(message);
        resolve(ExitCode.error);
      }
    });
  });
  await agent.start();
  if (agent.ingestPort !== null) say(`insight ingest endpoint: ${ingestUrl(agent.ingestPort)} (token in ${agentPaths(dataDir).ingestTokenFile})`);
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    // A second signal means "now": do not wait for the polite close.
    if (stopping) process.exit(ExitCode.error);
    stopping = true;
    logger.info({ signal }, "stopping");
    void agent.stop();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  return finished;
}

function printStatus(status: AgentStatus): void {
  if (!status.paired) {
    say(`not paired (data dir ${status.dataDir})`);
    say("pair with: canopy-agent pair --hub URL --code CODE");
    return;
  }
  const connection = status.connected
    ? `yes, since ${status.since} (pid ${status.pid})`
    : status.running
      ? `no, ${status.state} since ${status.since} (pid ${status.pid})`
      : "no (canopy-agent run is not running)";
  say(`paired with tenant ${status.tenantName} (${status.tenantId})`);
  const rows: [string, string | null][] = [
    ["hub", status.hubUrl],
    ["connected", connection],
    ["agent id", status.agentId],
    ["key", status.keyFingerprint],
    ["hub key", status.hubKeyFingerprint],
    ["paired at", status.pairedAt],
    ["ingest", status.ingestUrl],
    [
      "insights",
      status.insightsHeld ? `held back by the hub since ${status.insightsHeld.since} (kept here, none lost): ${status.insightsHeld.message}` : status.connected ? "sent as they come" : null,
    ],
    ["data dir", status.dataDir],
  ];
  for (const [label, value] of rows) say(`  ${`${label}:`.padEnd(11)} ${value ?? "-"}`);
}

async function statusCommand(options: { json?: boolean; dataDir?: string }): Promise<number> {
  const status = await readAgentStatus({ dataDir: resolveDataDir(options.dataDir, readEnv()) });
  if (options.json) printJson(status);
  else printStatus(status);
  return ExitCode.ok;
}

async function unpairCommand(options: { dataDir?: string; force?: boolean }): Promise<number> {
  const env = readEnv();
  const result = await unpairAgent({ dataDir: resolveDataDir(options.dataDir, env), force: options.force ?? false, logger: createLogger(env, "error") });
  if (result.confirmedByHub) say(`unpaired from tenant ${result.tenantName} at ${result.hubUrl}; the credentials were removed`);
  else say(`${result.hubProblem}; forgot the credentials locally (staff should unpair this tenant on the hub too)`);
  return ExitCode.ok;
}

async function contentListCommand(options: { json?: boolean; dataDir?: string }): Promise<number> {
  const dataDir = resolveDataDir(options.dataDir, readEnv());
  if (options.json) {
    printJson(await listContent({ dataDir }));
    return ExitCode.ok;
  }
  const entries = await listManifest({ dataDir });
  if (entries.length === 0) say("no content applied");
  for (const entry of entries) {
    const state = entry.drifted ? "drifted (changed on this host since it was applied)" : "applied";
    say(`${entry.kind}\t${entry.name}\trevision ${entry.revision}\t${entry.hash}\t${state}`);
  }
  return ExitCode.ok;
}

async function adapterSetCommand(type: string, options: { url?: string; header?: string[]; dataDir?: string }): Promise<number> {
  const paths = agentPaths(resolveDataDir(options.dataDir, readEnv()));
  if (type === "filesystem" && (options.url !== undefined || (options.header ?? []).length > 0)) {
    throw new AgentCliError("invalid_argument", "--url and --header are for the webhook adapter");
  }
  if (type === "webhook" && options.url === undefined) throw new AgentCliError("invalid_argument", "the webhook adapter needs --url URL");
  const candidate = type === "webhook" ? { type, url: options.url, headers: parseHeaders(options.header ?? []) } : { type };
  const parsed = AdapterConfig.safeParse(candidate);
  if (!parsed.success) throw new AgentCliError("invalid_argument", parsed.error.issues[0]?.message ?? "invalid adapter settings");
  await writeAdapterConfig(paths, parsed.data);
  const shown = redactAdapterConfig(parsed.data);
  say(shown.type === "webhook" ? `adapter set to webhook: each item is POSTed to ${shown.url}` : `adapter set to filesystem: items are written under ${paths.contentDir}`);
  say("a running agent uses it from the next batch it receives");
  return ExitCode.ok;
}

async function adapterShowCommand(options: { json?: boolean; dataDir?: string }): Promise<number> {
  const paths = agentPaths(resolveDataDir(options.dataDir, readEnv()));
  const config = redactAdapterConfig(await readAdapterConfig(paths));
  const shown =
    config.type === "webhook" ? { ...config, timeoutMs: WEBHOOK_TIMEOUT_MS } : { ...config, directory: paths.contentDir };
  if (options.json) {
    printJson(shown);
    return ExitCode.ok;
  }
  say(`adapter: ${config.type}`);
  if (config.type === "webhook") {
    say(`  url:      ${config.url}`);
    for (const [name, value] of Object.entries(config.headers)) say(`  header:   ${name}: ${value}`);
    say(`  timeout:  ${WEBHOOK_TIMEOUT_MS / 1000} s`);
  } else {
    say(`  folder:   ${paths.contentDir}`);
  }
  return ExitCode.ok;
}

export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command("canopy-agent")
    .description("The Canopy tenant agent: pairs with an MSSP's hub and keeps an outbound, authenticated link to it.")
    .version(AGENT_VERSION, "-v, --version")
    .exitOverride()
    .showSuggestionAfterError(true)
    .addHelpText(
      "after",
      "\nFirst time: canopy-agent pair --hub https://hub.example.com --code ABCD-EFGH, then canopy-agent run.\n" +
        "Environment: CANOPY_DATA_DIR, CANOPY_LOG_LEVEL (info), CANOPY_RECONNECT_MAX_MS (30000).",
    );
  const act =
    <O>(command: (options: O) => Promise<number>) =>
    async (options: O) =>
      setExitCode(await command(options));
  const collect = (value: string, previous: string[] = []) => [...previous, value];

  program
    .command("pair")
    .description("pair this agent with a tenant on the hub, using the one-time code staff created")
    .requiredOption("--hub <url>", "the hub's address, e.g. https://hub.example.com")
    .requiredOption("--code <code>", "the pairing code, e.g. ABCD-EFGH")
    .addOption(dataDirOption())
    .option("--force", "pair again even if this data dir is already paired (its credentials are replaced)")
    .addHelpText("after", "\nExit code 0 when paired; 1 with a one-line reason (wrong, expired or used code, hub unreachable).")
    .action(act(pairCommand));

  program
    .command("run")
    .description("run in the foreground: connect to the hub and stay connected, reconnecting by itself")
    .addOption(dataDirOption())
    .option("--ingest-port <port>", "port of the loopback insight ingest endpoint on 127.0.0.1 (default: $CANOPY_INGEST_PORT or 0, any free port)", wholeNumber(0, 65535))
    .addHelpText(
      "after",
      "\nLogs (JSON) go to stderr; connection changes are printed on stdout.\n" +
        "Insights: POST them to http://127.0.0.1:<port>/v1/insights with Authorization: Bearer <token>; the\n" +
        "token is in <data dir>/ingest-token (0600), the port in runtime.json and canopy-agent status.\n" +
        "Exit codes: 0 stopped by SIGTERM/SIGINT, 1 error or not paired, 3 unpaired by the hub\n" +
        "(credentials already removed), 4 replaced by another connection with the same key.",
    )
    .action(act(runCommand));

  program
    .command("status")
    .description("show whether this agent is paired, with which tenant and hub, and whether it is connected")
    .option("--json", "print the status as JSON")
    .addOption(dataDirOption())
    .action(act(statusCommand));

  program
    .command("unpair")
    .description("tell the hub to revoke this agent, then forget its key and credentials")
    .addOption(dataDirOption())
    .option("--force", "forget the credentials locally even when the hub cannot be reached")
    .action(act(unpairCommand));

  const content = program.command("content").description("content the hub pushed to this agent");
  content
    .command("list")
    .description("list applied content: kind, name, revision, hash, and whether it drifted")
    .option("--json", "print [{kind, name, revision, hash}] as JSON")
    .addOption(dataDirOption())
    .action(act(contentListCommand));

  const adapter = program
    .command("adapter")
    .description("how applied content reaches this tenant's tools: files (default) or a webhook")
    .addHelpText(
      "after",
      "\nfilesystem: each item is written to <data dir>/content/<kind>/<name>.json (Sigma rules: .yml),\n" +
        "library items under content/library/Admin Recommended/…; changes made there later are reported as drift.\n" +
        "webhook: each item is POSTed as JSON {kind, name, revision, hash, body}; a non-2xx answer fails the item.",
    );
  adapter
    .command("set")
    .description("choose the adapter; a running agent uses it from its next batch")
    .addArgument(new Argument("<type>", "filesystem or webhook").choices(["filesystem", "webhook"]))
    .option("--url <url>", "webhook: the http(s) address each item is POSTed to")
    .option("--header <header>", 'webhook: a header sent with every request, "Name: value" (repeat for more)', collect)
    .addOption(dataDirOption())
    .addHelpText(
      "after",
      "\nExamples:\n" +
        "  canopy-agent adapter set filesystem\n" +
        '  canopy-agent adapter set webhook --url https://soar.example.com/canopy --header "Authorization: Bearer TOKEN"\n' +
        "The settings are kept in <data dir>/adapter.json (mode 0600). Each request times out after 10 s.",
    )
    .action(async (type: string, options: { url?: string; header?: string[]; dataDir?: string }) => setExitCode(await adapterSetCommand(type, options)));
  adapter
    .command("show")
    .description("show the adapter in use; secret-looking header values are masked")
    .option("--json", "print the settings as JSON")
    .addOption(dataDirOption())
    .action(act(adapterShowCommand));

  addInsightsCommands(program, setExitCode);
  addStoreCommands(program, setExitCode);

  return program;
}

/** Parses argv, runs one command, returns the exit code. Every failure is one `error: …` line. */
export async function main(argv: string[]): Promise<number> {
  let exitCode: number = ExitCode.ok;
  const program = buildProgram((code) => (exitCode = code));
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    // Commander already printed its own message (or the help / version).
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.ok : ExitCode.error;
    const message = error instanceof Error ? error.message : String(error);
    complain(message.split("\n")[0] ?? "unknown error");
    return ExitCode.error;
  }
}
