import { describe, expect, it } from "vitest";
import { LineSplitter, type StreamLine } from "./ndjson-lines.js";

function split(chunks: (string | Buffer)[], max = 10): StreamLine[] {
  const splitter = new LineSplitter(max);
  const lines: StreamLine[] = [];
  for (const chunk of chunks) lines.push(...splitter.push(typeof chunk === "string" ? Buffer.from(chunk) : chunk));
  lines.push(...splitter.end());
  return lines;
}

describe("LineSplitter", () => {
  it("joins lines across chunks, numbers them from 0, keeps blank ones and a last line without a newline", () => {
    expect(split(["ab", "c\n\nde", "f\r\ngh"])).toEqual([
      { index: 0, text: "abc" },
      { index: 1, text: "" },
      { index: 2, text: "def\r" },
      { index: 3, text: "gh" },
    ]);
  });

  it("never splits a UTF-8 character, even when a chunk does", () => {
    const bytes = Buffer.from("é€\n😀\n");
    expect(split([bytes.subarray(0, 1), bytes.subarray(1, 4), bytes.subarray(4, 7), bytes.subarray(7)])).toEqual([
      { index: 0, text: "é€" },
      { index: 1, text: "😀" },
    ]);
  });

  it("reports an over-long line by its length without keeping it, and goes on", () => {
    expect(split(["0123456789", "0123\nok\n", "x".repeat(25)])).toEqual([
      { index: 0, tooLong: 14 },
      { index: 1, text: "ok" },
      { index: 2, tooLong: 25 },
    ]);
  });
});
