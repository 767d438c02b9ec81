import { checkStore, explainProblems, restoreCollection, StoreRestoreError } from "@canopy/store";
import type { Command } from "commander";
import { agentStoreSchemas } from "../store/agent-store-schemas.js";
import { agentStoreCommands } from "../store/agent-store.js";
import { complain, dataDirOption, ExitCode, say } from "./cli-output.js";
import { readEnv, resolveDataDir } from "./env.js";
import { agentPaths } from "../core/paths.js";

async function storeCheckCommand(options: { dataDir?: string }): Promise<number> {
  const paths = agentPaths(resolveDataDir(options.dataDir, readEnv()));
  const schemas = agentStoreSchemas();
  const found = await checkStore(paths.stateDir, schemas).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  });
  if (!found) {
    complain(`there is no agent store in ${paths.stateDir}`);
    return ExitCode.error;
  }
  if (found.problems.length === 0) {
    say(`the store in ${paths.stateDir} is sound: ${found.files} files, ${found.documents} documents`);
    return ExitCode.ok;
  }
  const files = new Set(found.problems.map((p) => p.collection)).size;
  say(`the store in ${paths.stateDir} has ${found.problems.length} problems in ${files} of ${found.files} files:`);
  for (const line of await explainProblems(paths.stateDir, found.problems, schemas, agentStoreCommands(paths.dataDir), Number.POSITIVE_INFINITY)) say(line);
  return ExitCode.error;
}

async function storeRestoreCommand(collection: string, options: { dataDir?: string; discard?: boolean }): Promise<number> {
  const paths = agentPaths(resolveDataDir(options.dataDir, readEnv()));
  try {
    const outcome = await restoreCollection(paths.stateDir, collection, agentStoreSchemas(), { discard: options.discard === true });
    if (outcome.setAside) say(`set ${collection}.json aside as ${outcome.setAside}`);
    say(
      outcome.restored
        ? `restored ${collection} from its last good copy: ${outcome.restored.documents} documents, written ${outcome.restored.writtenAt.toISOString()}`
        : `${collection} starts empty`,
    );
    return ExitCode.ok;
  } catch (error) {
    if (!(error instanceof StoreRestoreError)) throw error;
    complain(error.message);
    return ExitCode.error;
  }
}

/** `canopy-agent store check|restore`: the way out when a file in `state/` is damaged (with `run` stopped). */
export function addStoreCommands(program: Command, setExitCode: (code: number) => void): void {
  const store = program.command("store").description("check the agent's store files, or put a collection's last good copy back (with run stopped)");
  store
    .command("check")
    .description("read every file in <data dir>/state as the agent would and list every problem; exit 1 if any")
    .addOption(dataDirOption())
    .action(async (options: { dataDir?: string }) => setExitCode(await storeCheckCommand(options)));
  store
    .command("restore <collection>")
    .description("set state/<collection>.json aside as <collection>.json.damaged-<time> and put its last good copy (.bak) in its place")
    .addOption(dataDirOption())
    .option("--discard", "when there is no good copy: set the file aside anyway, and the collection starts empty")
    .action(async (collection: string, options: { dataDir?: string; discard?: boolean }) => setExitCode(await storeRestoreCommand(collection, options)));
}
