import { resolve } from "node:path";
import { checkStore, explainProblems, restoreCollection, StoreRestoreError } from "@canopy/store";
import { hubStoreSchemas } from "./hub-store-schemas.js";
import { hubStoreCommands, hubStoreDir } from "./open-hub-store.js";

/** What a store command prints and its exit code; the CLI writes it out. */
export interface CommandOutcome {
  stdout: string[];
  stderr: string[];
  exitCode: number;
}

/** `canopy-hub store check`: every problem of every file (exit 1 if any), each with its way out. Writes nothing. */
export async function storeCheck(dataDir: string): Promise<CommandOutcome> {
  const root = resolve(dataDir);
  const dir = hubStoreDir(root);
  const found = await checkStore(dir, hubStoreSchemas).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  });
  if (!found) return { stdout: [], stderr: [`error: there is no hub store in ${dir}`], exitCode: 1 };
  if (found.problems.length === 0) {
    return { stdout: [`the store in ${dir} is sound: ${found.files} files, ${found.documents} documents`], stderr: [], exitCode: 0 };
  }
  const files = new Set(found.problems.map((p) => p.collection)).size;
  const lines = await explainProblems(dir, found.problems, hubStoreSchemas, hubStoreCommands(root), Number.POSITIVE_INFINITY);
  return {
    stdout: [`the store in ${dir} has ${found.problems.length} problems in ${files} of ${found.files} files:`, ...lines],
    stderr: [],
    exitCode: 1,
  };
}

/** `canopy-hub store restore <collection> [--discard]`: the last good copy back in place, the damaged file set aside. */
export async function storeRestore(dataDir: string, collection: string, options: { discard: boolean }): Promise<CommandOutcome> {
  const root = resolve(dataDir);
  try {
    const outcome = await restoreCollection(hubStoreDir(root), collection, hubStoreSchemas, { discard: options.discard });
    const stdout: string[] = [];
    if (outcome.setAside) stdout.push(`set ${collection}.json aside as ${outcome.setAside}`);
    stdout.push(
      outcome.restored
        ? `restored ${collection} from its last good copy: ${outcome.restored.documents} documents, written ${outcome.restored.writtenAt.toISOString()}`
        : `${collection} starts empty`,
    );
    return { stdout, stderr: [], exitCode: 0 };
  } catch (error) {
    if (error instanceof StoreRestoreError) return { stdout: [], stderr: [`error: ${error.message}`], exitCode: 1 };
    throw error;
  }
}
