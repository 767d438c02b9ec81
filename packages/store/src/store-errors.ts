/** Why the disk refused a write, in words a user can act on (by errno). */
const ERRNO_REASONS: Record<string, string> = {
  EROFS: "its data folder is read-only",
  ENOSPC: "its disk is full",
  EDQUOT: "its disk quota is used up",
  EACCES: "it is not allowed to write its data folder",
  EPERM: "it is not allowed to write its data folder",
  EIO: "its disk reported an input/output error",
  EMFILE: "it has too many files open",
  ENFILE: "the system has too many files open",
};

/**
 * A partition could not be written. Every change that was not durable yet was rolled back in
 * memory before this was thrown, so nothing the caller changed is visible any more.
 */
export class StoreWriteError extends Error {
  /** The file the disk refused. */
  readonly file: string;
  /** `EROFS`, `ENOSPC`, `EACCES`, `EIO`, … (`EUNKNOWN` when the cause carried none). */
  readonly errno: string;
  /** "its data folder is read-only (EROFS)": safe to show to an API caller (no path). */
  readonly reason: string;

  /** `described`: what a database store says instead of a folder's errno (`SQLSTATE 53100`). */
  constructor(file: string, cause: unknown, described?: { errno: string; reason: string }) {
    const errno = described?.errno ?? (typeof (cause as NodeJS.ErrnoException | undefined)?.code === "string" ? (cause as NodeJS.ErrnoException).code! : "EUNKNOWN");
    const reason = described?.reason ?? `${ERRNO_REASONS[errno] ?? "writing its data folder failed"} (${errno})`;
    super(`could not write ${file}: ${reason}; the changes since the last good write were rolled back`, { cause });
    this.name = "StoreWriteError";
    this.file = file;
    this.errno = errno;
    this.reason = reason;
  }
}

/**
 * A write of several partitions was committed (durable in its commit record and temp files) but
 * the disk refused to put a file in place. Nothing was rolled back: the store finishes it before
 * its next write, or at the next start.
 */
export class UnfinishedCommitError extends Error {
  readonly file: string;
  readonly reason: string;

  constructor(refused: StoreWriteError) {
    super(
      `the last write was saved but ${refused.file} could not be put in place: ${refused.reason}; nothing was lost, and it is finished before the next write or at the next start (free the disk or make it writable)`,
      { cause: refused },
    );
    this.name = "UnfinishedCommitError";
    this.file = refused.file;
    this.reason = refused.reason;
  }
}

/** One thing wrong with a store file, as precise as it can be. */
export interface StoreFileProblem {
  /** The collection (the file is `<collection>.json`). */
  collection: string;
  /** Absolute path of the file. */
  file: string;
  /** The document, when the problem is inside one. */
  id?: string;
  /** The field inside the document, dotted (`tags.1`), when known. */
  field?: string;
  message: string;
}

/** `tenants.json, document "tnt_1", field name: expected string, received undefined` */
export function describeProblem(problem: StoreFileProblem): string {
  const where = [problem.file];
  if (problem.id !== undefined) where.push(`document ${JSON.stringify(problem.id)}`);
  if (problem.field !== undefined && problem.field !== "") where.push(`field ${problem.field}`);
  return `${where.join(", ")}: ${problem.message}`;
}

/** A store file is damaged or of the wrong shape: the store did not open and wrote nothing. */
export class StoreFileError extends Error {
  readonly problems: StoreFileProblem[];

  constructor(message: string, problems: StoreFileProblem[]) {
    super(message);
    this.name = "StoreFileError";
    this.problems = problems;
  }

  /** The collections with a problem, each once. */
  get collections(): string[] {
    return Array.from(new Set(this.problems.map((p) => p.collection)));
  }
}
