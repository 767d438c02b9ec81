import type { ZodType } from "zod";
import type { StoreFileProblem } from "./store-errors.js";
import type { Doc } from "./store.js";

/**
 * One partition on disk: `{"version":1,"docs":{"<id>":{…"id":"<id>"…},…}}`, compact (indenting
 * costs time and a third more bytes for files nobody should edit by hand).
 */
export const PARTITION_VERSION = 1;

export interface PartitionFile {
  version: typeof PARTITION_VERSION;
  docs: Record<string, Doc>;
}

/** Problems reported per file at most: enough to see the pattern, bounded for a huge file. */
const MAX_PROBLEMS_PER_FILE = 20;

/** Text written per piece: small enough to encode without a noticeable pause, large enough to write fast. */
const CHUNK_CHARS = 1 << 20;

/**
 * The file's text in pieces of about CHUNK_CHARS, from a snapshot of the partition (that nothing
 * changes meanwhile). A writer awaits each piece's write before asking for the next, so a 65 MB
 * partition costs many short pauses of the event loop rather than one of seconds (stringify,
 * join and encode of the whole text).
 */
export function* partitionChunks(docs: ReadonlyMap<string, Doc>): Generator<string> {
  let chunk = `{"version":${PARTITION_VERSION},"docs":{`;
  let first = true;
  for (const [id, doc] of docs) {
    chunk += `${first ? "" : ","}${JSON.stringify(id)}:${JSON.stringify(doc)}`;
    first = false;
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = "";
    }
  }
  yield `${chunk}}}`;
}

export type ParsedPartition = { ok: true; docs: Doc[] } | { ok: false; problems: StoreFileProblem[] };

const kindOf = (value: unknown): string => (value === null ? "null" : Array.isArray(value) ? "a list" : typeof value === "object" ? "an object" : `a ${typeof value}`);

/**
 * Reads a partition's text: the file's shape, then every document against the collection's
 * schema (when one is registered). Documents come back as the schema parsed them (defaults
 * filled in). Never throws: what is wrong comes back as problems.
 */
export function parsePartition(text: string, where: { collection: string; file: string }, schema: ZodType<Doc> | undefined): ParsedPartition {
  const problem = (message: string, id?: string, field?: string): StoreFileProblem => ({
    ...where,
    ...(id !== undefined ? { id } : {}),
    ...(field !== undefined ? { field } : {}),
    message,
  });
  if (text.trim() === "") return { ok: false, problems: [problem("the file is empty (cut short while it was written?)")] };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, problems: [problem(`not valid JSON (${detail}): the file is damaged or cut short`)] };
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    return { ok: false, problems: [problem(`expected {"version":1,"docs":{…}}, found ${kindOf(data)}`)] };
  }
  const { version, docs } = data as { version?: unknown; docs?: unknown };
  if (version !== PARTITION_VERSION) {
    const found = version === undefined ? "no version" : `version ${JSON.stringify(version)}`;
    return { ok: false, problems: [problem(`${found}; this program reads version ${PARTITION_VERSION} (a newer version's file, or not a store file)`)] };
  }
  if (typeof docs !== "object" || docs === null || Array.isArray(docs)) {
    return { ok: false, problems: [problem(`"docs" must be an object of documents by id, found ${docs === undefined ? "nothing" : kindOf(docs)}`)] };
  }
  const problems: StoreFileProblem[] = [];
  let more = 0;
  const parsed: Doc[] = [];
  for (const [key, doc] of Object.entries(docs)) {
    const found = checkDocument(key, doc, schema, problem);
    if (Array.isArray(found)) {
      if (problems.length < MAX_PROBLEMS_PER_FILE) problems.push(...found.slice(0, MAX_PROBLEMS_PER_FILE - problems.length));
      else more++;
    } else parsed.push(found);
  }
  if (more > 0) problems.push(problem(`… and ${more} more documents with problems`));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, docs: parsed };
}

function checkDocument(
  key: string,
  doc: unknown,
  schema: ZodType<Doc> | undefined,
  problem: (message: string, id?: string, field?: string) => StoreFileProblem,
): Doc | StoreFileProblem[] {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return [problem(`not a document: found ${kindOf(doc)}`, key)];
  const id = (doc as { id?: unknown }).id;
  if (id !== key) {
    const found = id === undefined ? "it has no id" : `its id is ${JSON.stringify(id)}`;
    return [problem(`${found}, but it is filed under ${JSON.stringify(key)}`, key, "id")];
  }
  if (!schema) return doc as Doc;
  const result = schema.safeParse(doc);
  if (result.success) return result.data;
  return result.error.issues.map((issue) => problem(issue.message, key, issue.path.map(String).join(".")));
}
