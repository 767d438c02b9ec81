import type { Command } from "commander";
import { EnvError, readEnvironment } from "../env.js";
import { migrateStore } from "./migrate-store.js";
import { storeCheck, storeRestore, type CommandOutcome } from "./store-cli.js";

function environment() {
  try {
    return readEnvironment();
  } catch (error) {
    if (error instanceof EnvError) return finish({ stdout: [], stderr: [`error: ${error.message}`], exitCode: 1 });
    throw error;
  }
}

function dataDirOf(flags: { dataDir?: string }): string {
  return flags.dataDir ?? environment().dataDir;
}

function finish(outcome: CommandOutcome): never {
  for (const line of outcome.stdout) process.stdout.write(`${line}\n`);
  for (const line of outcome.stderr) process.stderr.write(`${line}\n`);
  process.exit(outcome.exitCode);
}

/** `canopy-hub store check|restore`: the way out when a store file is damaged (run with the hub stopped). */
export function addStoreCommands(program: Command): void {
  const store = program.command("store").description("check the hub's store files, or put a collection's last good copy back (with the hub stopped)");
  store
    .command("check")
    .description("read every store file as the hub would and list every problem (file, document, field); exit 1 if any")
    .option("--data-dir <dir>", "the hub's data dir (env CANOPY_DATA_DIR, default .canopy/hub)")
    .action(async (flags: { dataDir?: string }) => finish(await storeCheck(dataDirOf(flags))));
  store
    .command("restore <collection>")
    .description("set <collection>.json aside as <collection>.json.damaged-<time> and put its last good copy (.bak) in its place")
    .option("--data-dir <dir>", "the hub's data dir (env CANOPY_DATA_DIR, default .canopy/hub)")
    .option("--discard", "when there is no good copy: set the file aside anyway, and the collection starts empty")
    .action(async (collection: string, flags: { dataDir?: string; discard?: boolean }) =>
      finish(await storeRestore(dataDirOf(flags), collection, { discard: flags.discard === true })),
    );
}

/** `canopy-hub migrate-store`: the embedded store of a data dir copied into an empty PostgreSQL database. */
export function addMigrateStoreCommand(program: Command): void {
  program
    .command("migrate-store")
    .description("copy the embedded store under --data-dir into an empty PostgreSQL database, in one transaction (run with the hub stopped)")
    .option("--data-dir <dir>", "the hub's data dir (env CANOPY_DATA_DIR, default .canopy/hub)")
    .option("--database-url <url>", "the PostgreSQL database to copy into, postgres://user:pass@host:5432/db (env CANOPY_DATABASE_URL)")
    .addHelpText("after", "\nThen start the hub with the same --data-dir (it keeps the hub key) and --database-url.")
    .action(async (flags: { dataDir?: string; databaseUrl?: string }) => {
      const databaseUrl = flags.databaseUrl ?? environment().databaseUrl;
      if (!databaseUrl) finish({ stdout: [], stderr: ["error: --database-url (or CANOPY_DATABASE_URL) is required"], exitCode: 1 });
      finish(await migrateStore({ dataDir: dataDirOf(flags), databaseUrl, progress: (line) => process.stderr.write(`${line}\n`) }));
    });
}
