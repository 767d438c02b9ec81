import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import { AgentCliError } from "../core/errors.js";
import { describeIssue, SourceInsight } from "./insight-doc.js";
import { openInsightWriter, type InsightWriter } from "./insight-writer.js";
import type { AgentPaths } from "../core/paths.js";

/** Values per write: one ingest request or one store flush. */
const CHUNK_VALUES = 1000;
/** …and at most about this many bytes of JSON per request (the endpoint takes 16 MiB). */
const CHUNK_BYTES = 4 * 1024 * 1024;
export const PROGRESS_EVERY_LINES = 10_000;

export interface ImportProblem {
  /** 1-based line number in the file. */
  line: number;
  error: string;
}

export interface ImportReport {
  /** Insights stored (new, changed or already the same). */
  imported: number;
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  /** Where they went: the running agent's ingest endpoint, or the store file. */
  via: "agent" | "store";
  /** The running agent's pid when `via` is "agent". */
  pid: number | null;
}

export interface ImportOptions {
  paths: AgentPaths;
  file: string;
  /** Each bad line as it is found. */
  onProblem?(problem: ImportProblem): void;
  /** Every `PROGRESS_EVERY_LINES` lines. */
  onProgress?(lines: number): void;
}

/** Sends values in chunks and tallies what the writer said, failures mapped back to their origin. */
export class ChunkedWriter<Origin> {
  readonly report: Omit<ImportReport, "via" | "pid">;
  readonly #writer: InsightWriter;
  readonly #onFailed: (origin: Origin, error: string) => void;
  #values: unknown[] = [];
  #origins: Origin[] = [];
  #bytes = 0;

  constructor(writer: InsightWriter, onFailed: (origin: Origin, error: string) => void) {
    this.#writer = writer;
    this.#onFailed = onFailed;
    this.report = { imported: 0, created: 0, updated: 0, unchanged: 0, failed: 0 };
  }

  async add(value: unknown, origin: Origin, bytes: number): Promise<void> {
    this.#values.push(value);
    this.#origins.push(origin);
    this.#bytes += bytes;
    if (this.#values.length >= CHUNK_VALUES || this.#bytes >= CHUNK_BYTES) await this.flush();
  }

  failed(origin: Origin, error: string): void {
    this.report.failed++;
    this.#onFailed(origin, error);
  }

  async flush(): Promise<void> {
    if (this.#values.length === 0) return;
    const [values, origins] = [this.#values, this.#origins];
    this.#values = [];
    this.#origins = [];
    this.#bytes = 0;
    const result = await this.#writer.write(values);
    this.report.imported += result.accepted;
    this.report.created += result.created;
    this.report.updated += result.updated;
    this.report.unchanged += result.unchanged;
    for (const failure of result.failed) {
      const origin = origins[failure.index];
      if (origin !== undefined) this.failed(origin, failure.error);
    }
    // Failures the endpoint only counted (it lists the first 100 of a request).
    this.report.failed += Math.max(0, (result.failedCount ?? result.failed.length) - result.failed.length);
  }
}

/** A line's value if it is a valid insight (with `source` defaulting to `import`), or why not. */
function readLine(text: string): { value: Record<string, unknown> } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { error: "not valid JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { error: "not a JSON object (one insight per line)" };
  const parsed = SourceInsight.safeParse(value);
  if (!parsed.success) return { error: describeIssue(parsed.error) };
  const record = value as Record<string, unknown>;
  return { value: record.source === undefined ? { ...record, source: "import" } : record };
}

/**
 * `canopy-agent insights import FILE`: NDJSON, one insight per line, read as a stream. Bad lines
 * are reported with their number and skipped; the rest are stored (through the running agent
 * when there is one). The id is the key: importing a file again changes nothing.
 */
export async function importInsightsFile(options: ImportOptions): Promise<ImportReport> {
  try {
    if (!(await stat(options.file)).isFile()) throw new AgentCliError("invalid_argument", `${options.file} is not a file`);
  } catch (error) {
    if (error instanceof AgentCliError) throw error;
    throw new AgentCliError("invalid_argument", `cannot read ${options.file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  const writer = await openInsightWriter(options.paths);
  try {
    const chunks = new ChunkedWriter<number>(writer, (line, error) => options.onProblem?.({ line, error }));
    const lines = createInterface({ input: createReadStream(options.file, { encoding: "utf8" }), crlfDelay: Infinity });
    let number = 0;
    for await (const text of lines) {
      number++;
      if (number % PROGRESS_EVERY_LINES === 0) options.onProgress?.(number);
      if (text.trim().length === 0) continue;
      const line = readLine(text);
      if ("error" in line) chunks.failed(number, line.error);
      else await chunks.add(line.value, number, Buffer.byteLength(text));
    }
    await chunks.flush();
    return { ...chunks.report, via: writer.via, pid: writer.pid };
  } finally {
    await writer.close();
  }
}
