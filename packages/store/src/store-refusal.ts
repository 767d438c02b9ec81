import { join } from "node:path";
import type { CollectionSchemas } from "./collection-schemas.js";
import { readBackup } from "./partition-loader.js";
import { describeProblem, StoreFileError, type StoreFileProblem } from "./store-errors.js";

/** The commands that get a user out of a refusal, as the owner's CLI spells them. */
export interface StoreCommands {
  /** Lists every problem, e.g. `canopy-hub store check --data-dir /srv/canopy`. */
  check: string;
  /** Puts the last good copy back (`discard`: sets the damaged file aside with no copy to put back). */
  restore(collection: string, options: { discard: boolean }): string;
}

/** Without an owner's CLI: the shell commands that do what `restore` does. */
const shellCommands = (dir: string): StoreCommands => ({
  check: "the files named above",
  restore: (collection, { discard }) => {
    const file = join(dir, `${collection}.json`);
    return `mv ${file} ${file}.damaged${discard ? "" : ` && ln ${file}.bak ${file}`}`;
  },
});

/** Problems shown per file in the refusal (the check command lists them all). */
const SHOWN_PER_FILE = 5;

/**
 * The error a store gives when it will not open: every damaged file, what is wrong with it, and
 * for each the exact way out (the last good copy and what it holds, or setting the file aside).
 */
export async function refusal(dir: string, problems: StoreFileProblem[], schemas: CollectionSchemas, commands: StoreCommands = shellCommands(dir)): Promise<StoreFileError> {
  const byCollection = new Map<string, StoreFileProblem[]>();
  for (const problem of problems) {
    const list = byCollection.get(problem.collection) ?? [];
    list.push(problem);
    byCollection.set(problem.collection, list);
  }
  const lines = [`the store in ${dir} has ${byCollection.size === 1 ? "a damaged file" : `${byCollection.size} damaged files`}; it was not opened, so nothing was changed or overwritten:`];
  for (const [collection, found] of byCollection) {
    for (const problem of found.slice(0, SHOWN_PER_FILE)) lines.push(`  ${describeProblem(problem)}`);
    if (found.length > SHOWN_PER_FILE) lines.push(`  … and ${found.length - SHOWN_PER_FILE} more problems in this file`);
    const backup = await readBackup(dir, collection, schemas);
    if (backup && !Array.isArray(backup)) {
      lines.push(`  way out: ${commands.restore(collection, { discard: false })} (puts back the last good copy: ${backup.documents} documents, written ${backup.writtenAt.toISOString()})`);
    } else {
      const why = backup === null ? "there is no last good copy" : "its last good copy is damaged too";
      lines.push(`  way out: ${why}; ${commands.restore(collection, { discard: true })} (sets the file aside; the collection starts empty)`);
    }
  }
  lines.push(`every problem: ${commands.check}`);
  return new StoreFileError(lines.join("\n"), problems);
}
