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
 * What is wrong with each damaged file and, for each, the exact way out: the last good copy and
 * what it holds, or setting the file aside. `perFile` bounds the problems listed per file.
 */
export async function explainProblems(
  dir: string,
  problems: StoreFileProblem[],
  schemas: CollectionSchemas,
  commands: StoreCommands = shellCommands(dir),
  perFile = SHOWN_PER_FILE,
): Promise<string[]> {
  const byCollection = new Map<string, StoreFileProblem[]>();
  for (const problem of problems) {
    const list = byCollection.get(problem.collection) ?? [];
    list.push(problem);
    byCollection.set(problem.collection, list);
  }
  const lines: string[] = [];
  for (const [collection, found] of byCollection) {
    for (const problem of found.slice(0, perFile)) lines.push(`  ${describeProblem(problem)}`);
    if (found.length > perFile) lines.push(`  … and ${found.length - perFile} more problems in this file`);
    lines.push(`  way out: ${await wayOut(dir, collection, schemas, commands)}`);
  }
  return lines;
}

/**
 * For one damaged collection: the restore command and what it will put back (the last good
 * copy and what it holds), or, with no usable copy, the command that sets the file aside.
 */
export async function wayOut(dir: string, collection: string, schemas: CollectionSchemas, commands: StoreCommands = shellCommands(dir)): Promise<string> {
  const backup = await readBackup(dir, collection, schemas);
  if (backup && !Array.isArray(backup)) {
    return `${commands.restore(collection, { discard: false })} (puts back the last good copy: ${backup.documents} documents, written ${backup.writtenAt.toISOString()})`;
  }
  const why = backup === null ? "there is no last good copy" : "its last good copy is damaged too";
  return `${why}; ${commands.restore(collection, { discard: true })} (sets the file aside; the collection starts empty)`;
}

/** The error a store gives when it will not open: every damaged file, what is wrong, and the way out. */
export async function refusal(dir: string, problems: StoreFileProblem[], schemas: CollectionSchemas, commands: StoreCommands = shellCommands(dir)): Promise<StoreFileError> {
  const files = new Set(problems.map((p) => p.collection)).size;
  const lines = [
    `the store in ${dir} has ${files === 1 ? "a damaged file" : `${files} damaged files`}; it was not opened, so nothing was changed or overwritten:`,
    ...(await explainProblems(dir, problems, schemas, commands)),
    `every problem: ${commands.check}`,
  ];
  return new StoreFileError(lines.join("\n"), problems);
}
