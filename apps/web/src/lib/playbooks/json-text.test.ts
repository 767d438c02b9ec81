import { describe, expect, it } from "vitest";
import { parseJsonText } from "./json-text";

describe("parseJsonText", () => {
  it("parses valid JSON", () => {
    expect(parseJsonText('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it("refuses broken JSON with the engine's reason", () => {
    const result = parseJsonText('{\n  "a": 1,\n  "b": }');
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/^Not valid JSON( at line 3, column \d+)?: /) });
  });
});
