import { createLowdbStore, describeProblem, StoreFileError, wayOut, type Store, type StoreCommands } from "@canopy/store";
import { agentStoreSchemas } from "./agent-store-schemas.js";
import { AgentCliError } from "../core/errors.js";
import type { AgentPaths } from "../core/paths.js";

const shellWord = (word: string): string => (/^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`);

/** The `canopy-agent store …` commands for this data dir. */
export function agentStoreCommands(dataDir: string): StoreCommands {
  const where = `--data-dir ${shellWord(dataDir)}`;
  return {
    check: `canopy-agent store check ${where}`,
    restore: (collection, { discard }) => `canopy-agent store restore ${collection} ${where}${discard ? " --discard" : ""}`,
  };
}

/**
 * The lowdb store in `state/`, every file checked against the agent's schemas. A damaged one
 * refuses (nothing is written) with one line: the first problem, and the exact way out.
 */
export async function openStateStore(paths: AgentPaths): Promise<Store> {
  const commands = agentStoreCommands(paths.dataDir);
  const schemas = agentStoreSchemas();
  try {
    return await createLowdbStore({ dir: paths.stateDir, schemas, commands });
  } catch (error) {
    if (!(error instanceof StoreFileError)) throw error;
    const first = error.problems[0]!;
    const more = error.problems.length > 1 ? ` (and ${error.problems.length - 1} more problems: ${commands.check})` : "";
    const out = await wayOut(paths.stateDir, first.collection, schemas, commands);
    throw new AgentCliError("damaged_state", `${describeProblem(first)}${more}; nothing was changed; way out: ${out}`, { cause: error });
  }
}
