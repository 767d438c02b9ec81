import { Command, InvalidArgumentError } from "commander";
import { httpOrigin } from "./core/http-origin.js";
import { DATABASE_URL_MESSAGE, EnvError, PUBLIC_URL_MESSAGE, readEnvironment } from "./env.js";
import { createLogger } from "./logger.js";
import { addMigrateStoreCommand, addStoreCommands } from "./store/store-commands.js";

// The CLI: read argv and env, start, print, stop on a signal. All the work is in createHub.

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

function fail(message: string): never {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535) throw new InvalidArgumentError("must be a port number (0 picks a free one)");
  return port;
}

function parsePublicUrl(value: string): string {
  if (httpOrigin(value) === undefined) throw new InvalidArgumentError(PUBLIC_URL_MESSAGE);
  return value;
}

function parseDatabaseUrl(value: string): string {
  if (!/^postgres(ql)?:\/\/\S+$/.test(value)) throw new InvalidArgumentError(DATABASE_URL_MESSAGE);
  return value;
}

interface StartFlags {
  databaseUrl?: string;
  port?: number;
  host?: string;
  dataDir?: string;
  publicUrl?: string;
  newIdentity?: boolean;
}

async function startHub(flags: StartFlags): Promise<void> {
  let env;
  try {
    env = readEnvironment();
  } catch (error) {
    if (error instanceof EnvError) fail(error.message);
    throw error;
  }
  const logger = createLogger(env.logLevel);
  // Loaded here, not at the top: `store check|restore` (run while an operator is fixing a damaged
  // store, once per file) then start in about half the time, without the server and its routes.
  const { createHub } = await import("./hub.js");
  const hub = createHub({
    dataDir: flags.dataDir ?? env.dataDir,
    heartbeatMs: env.heartbeatMs,
    pairingTtlSeconds: env.pairingTtlSeconds,
    adminEmail: env.adminEmail,
    adminPassword: env.adminPassword,
    publicUrl: flags.publicUrl ?? env.publicUrl,
    newIdentity: flags.newIdentity === true,
    databaseUrl: flags.databaseUrl ?? env.databaseUrl,
    logger,
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    // A close that hangs (a wedged socket, a stuck disk) must not keep the process alive forever.
    setTimeout(() => {
      logger.error("shutdown took longer than 15 s; exiting");
      process.exit(1);
    }, 15_000).unref();
    hub.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));

  try {
    const info = await hub.ready();
    const address = await hub.listen({ port: flags.port ?? env.port, host: flags.host ?? env.host });
    if (info.generatedAdminPassword) {
      print("created the first admin; this password is shown only once:");
      print(`  email:    ${info.adminEmail}`);
      print(`  password: ${info.generatedAdminPassword}`);
    }
    print(`listening on ${address.url}`);
  } catch (error) {
    logger.error({ err: error }, "the hub could not start");
    await hub.close().catch(() => {});
    fail(error instanceof Error ? error.message : String(error));
  }
}

const program = new Command()
  .name("canopy-hub")
  .description("The Canopy hub: REST API, agent gateway, live feed and web UI on one port.")
  .showHelpAfterError();

program
  .command("start")
  .description("start the hub in the foreground (stop with SIGTERM or Ctrl-C)")
  .option("--port <port>", "port to listen on; 0 picks a free one (env CANOPY_PORT, default 8080)", parsePort)
  .option("--host <host>", "address to bind (env CANOPY_HOST, default 127.0.0.1)")
  .option("--data-dir <dir>", "where the store and hub key live (env CANOPY_DATA_DIR, default .canopy/hub)")
  .option(
    "--new-identity",
    "if <data-dir>/hub-key.pem is lost, make a new hub identity anyway: every paired agent is revoked and must pair again (audited)",
  )
  .option("--public-url <url>", "the URL browsers use, when a TLS proxy stands in front (env CANOPY_PUBLIC_URL)", parsePublicUrl)
  .option(
    "--database-url <url>",
    "keep the store in PostgreSQL (postgres://user:pass@host:5432/db) instead of files under --data-dir, which still holds the hub key (env CANOPY_DATABASE_URL)",
    parseDatabaseUrl,
  )
  .addHelpText(
    "after",
    "\nEnvironment: CANOPY_DATA_DIR, CANOPY_PORT, CANOPY_HOST, CANOPY_ADMIN_EMAIL, CANOPY_ADMIN_PASSWORD,\n" +
      "CANOPY_HEARTBEAT_MS, CANOPY_PAIRING_TTL_SECONDS, CANOPY_LOG_LEVEL (logs go to stderr), CANOPY_PUBLIC_URL,\n" +
      "CANOPY_DATABASE_URL.",
  )
  .action((flags: StartFlags) => startHub(flags));

addStoreCommands(program);
addMigrateStoreCommand(program);

await program.parseAsync(process.argv);
