/** One line of a byte stream: its 0-based number and text, or `tooLong` with its length. */
export type StreamLine = { index: number; text: string } | { index: number; tooLong: number };

/**
 * Splits bytes into lines at `\n` without ever holding more than `maxLineBytes` of one line: the
 * rest of an over-long line is counted and dropped, and the line comes out as `tooLong`. Split on
 * bytes, decoded per line: `\n` never occurs inside a multi-byte UTF-8 character.
 */
export class LineSplitter {
  readonly #maxLineBytes: number;
  #parts: Buffer[] = [];
  #length = 0;
  #index = 0;

  constructor(maxLineBytes: number) {
    this.#maxLineBytes = maxLineBytes;
  }

  /** The lines completed by this chunk. */
  *push(chunk: Uint8Array): Generator<StreamLine> {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let newline = bytes.indexOf(0x0a, start); newline !== -1; newline = bytes.indexOf(0x0a, start)) {
      this.#keep(bytes.subarray(start, newline));
      yield this.#take();
      start = newline + 1;
    }
    this.#keep(bytes.subarray(start));
  }

  /** The last line, if the stream did not end with `\n`. */
  *end(): Generator<StreamLine> {
    if (this.#length > 0) yield this.#take();
  }

  #keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.#length + bytes.length <= this.#maxLineBytes) this.#parts.push(bytes);
    else this.#parts = [];
    this.#length += bytes.length;
  }

  #take(): StreamLine {
    const index = this.#index++;
    const line: StreamLine =
      this.#length > this.#maxLineBytes ? { index, tooLong: this.#length } : { index, text: Buffer.concat(this.#parts, this.#length).toString("utf8") };
    this.#parts = [];
    this.#length = 0;
    return line;
  }
}
