import { LineSplitter, type StreamLine } from "./ndjson-lines.js";

/** What one request may hold, and what it may make the agent hold. */
export interface IngestLimits {
  /** The whole body, in bytes (NDJSON). */
  maxBodyBytes: number;
  /** A body that is one JSON document (an insight, or an array of them) is parsed whole: in bytes. */
  maxDocumentBytes: number;
  /** One NDJSON line, in bytes. */
  maxLineBytes: number;
  /** Insights (array elements or non-blank lines) in one request. */
  maxItems: number;
  /** Failures listed by position; the rest are only counted. */
  maxListedFailures: number;
}

export interface IngestFailure {
  index: number;
  error: string;
}

/** A request body split into values, with the first failures by position and how many there were. */
export interface IngestBody {
  ok: true;
  values: { index: number; value: unknown }[];
  failed: IngestFailure[];
  failedCount: number;
}

/** A body refused whole (nothing in it is stored): too large, or too many insights. */
export interface IngestRefusal {
  ok: false;
  error: string;
}

/**
 * Reads a request body as it arrives: one insight as a JSON object, an array of them (either up
 * to `maxDocumentBytes`, parsed whole), or NDJSON, one insight per line, read line by line so
 * that a large body never sits in memory as text. Positions are the array index, or the 0-based
 * line number for NDJSON (blank lines count, but are skipped). Each value is only parsed and
 * checked to be an object here; the insight store validates it.
 */
export async function readIngestBody(body: AsyncIterable<Uint8Array> | null, limits: IngestLimits): Promise<IngestBody | IngestRefusal> {
  const reader = new BodyReader(limits);
  if (body === null) return reader.result();
  const head: Buffer[] = [];
  let headBytes = 0;
  const chunks = body[Symbol.asyncIterator]();
  for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
    const chunk = Buffer.from(next.value);
    if (headBytes + chunk.length <= limits.maxDocumentBytes) {
      head.push(chunk);
      headBytes += chunk.length;
      continue;
    }
    // Too big to be one JSON document: NDJSON from here on, line by line.
    const whole = Buffer.concat(head, headBytes);
    if (firstCharacter(whole) === "[") {
      await chunks.return?.();
      return refuse(`a JSON array body is limited to ${mib(limits.maxDocumentBytes)}; send more as NDJSON (one insight per line)`);
    }
    for (const part of [whole, chunk]) {
      const refused = reader.lines(part);
      if (refused) {
        await chunks.return?.();
        return refused;
      }
    }
    for (next = await chunks.next(); !next.done; next = await chunks.next()) {
      const refused = reader.lines(next.value);
      if (refused) {
        await chunks.return?.();
        return refused;
      }
    }
    return reader.end() ?? reader.result();
  }
  const whole = Buffer.concat(head, headBytes);
  return reader.document(whole) ?? reader.lines(whole) ?? reader.end() ?? reader.result();
}

class BodyReader {
  readonly #limits: IngestLimits;
  readonly #splitter: LineSplitter;
  readonly #values: { index: number; value: unknown }[] = [];
  readonly #failed: IngestFailure[] = [];
  #failedCount = 0;
  #items = 0;
  #bytes = 0;

  constructor(limits: IngestLimits) {
    this.#limits = limits;
    this.#splitter = new LineSplitter(limits.maxLineBytes);
  }

  /** A body that is one JSON document: its insights, a refusal, or undefined when it is not JSON. */
  document(whole: Buffer): IngestBody | IngestRefusal | undefined {
    const first = firstCharacter(whole);
    if (first !== "[" && first !== "{") return undefined;
    let parsed: unknown;
    try {
      // trim() also drops a byte order mark, which JSON.parse refuses.
      parsed = JSON.parse(whole.toString("utf8").trim());
    } catch {
      return undefined; // not one document: NDJSON
    }
    const items = Array.isArray(parsed) ? parsed : [parsed];
    if (items.length > this.#limits.maxItems) return tooMany(this.#limits.maxItems);
    items.forEach((value, index) => this.#add(index, value));
    return this.result();
  }

  /** Feeds NDJSON bytes; a refusal once the body or the count of insights is over its limit. */
  lines(bytes: Uint8Array): IngestRefusal | undefined {
    this.#bytes += bytes.byteLength;
    if (this.#bytes > this.#limits.maxBodyBytes) return refuse(`body larger than ${this.#limits.maxBodyBytes} bytes; send fewer insights per request`);
    for (const line of this.#splitter.push(bytes)) {
      const refused = this.#line(line);
      if (refused) return refused;
    }
    return undefined;
  }

  end(): IngestRefusal | undefined {
    for (const line of this.#splitter.end()) {
      const refused = this.#line(line);
      if (refused) return refused;
    }
    return undefined;
  }

  result(): IngestBody {
    return { ok: true, values: this.#values, failed: this.#failed, failedCount: this.#failedCount };
  }

  #line(line: StreamLine): IngestRefusal | undefined {
    if ("tooLong" in line) {
      if (++this.#items > this.#limits.maxItems) return tooMany(this.#limits.maxItems);
      this.#fail(line.index, `line longer than ${mib(this.#limits.maxLineBytes)} (${line.tooLong} bytes)`);
      return undefined;
    }
    if (line.text.trim().length === 0) return undefined;
    if (++this.#items > this.#limits.maxItems) return tooMany(this.#limits.maxItems);
    let value: unknown;
    try {
      value = JSON.parse(line.index === 0 ? line.text.trim() : line.text);
    } catch {
      this.#fail(line.index, "not valid JSON");
      return undefined;
    }
    this.#add(line.index, value);
    return undefined;
  }

  #add(index: number, value: unknown): void {
    // Checks that need no schema, so that a flood of junk costs next to nothing; the insight
    // store validates the rest.
    if (typeof value !== "object" || value === null || Array.isArray(value)) this.#fail(index, "not a JSON object (one insight per line, or an array of them)");
    else if (typeof (value as { id?: unknown }).id !== "string") this.#fail(index, "id: required, a string");
    else this.#values.push({ index, value });
  }

  #fail(index: number, error: string): void {
    this.#failedCount++;
    if (this.#failed.length < this.#limits.maxListedFailures) this.#failed.push({ index, error });
  }
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The first character after a byte order mark and JSON whitespace. */
function firstCharacter(bytes: Buffer): string | undefined {
  for (let at = bytes.subarray(0, 3).equals(UTF8_BOM) ? 3 : 0; at < bytes.length; at++) {
    const byte = bytes[at]!;
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return String.fromCharCode(byte);
  }
  return undefined;
}

const refuse = (error: string): IngestRefusal => ({ ok: false, error });
const tooMany = (max: number): IngestRefusal => refuse(`more than ${max} insights in one request; send at most ${max} per request`);
const mib = (bytes: number): string => (bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : `${bytes} bytes`);
