import superjson from "superjson";
import { describe, expect, it, vi } from "vitest";
import { decodeText, encodeMessage } from "./codec.js";

describe("codec", () => {
  it("encodes plain JSON exactly as superjson does", () => {
    const plain = { type: "content.apply", batchId: "b1", pushId: null, items: [{ kind: "siem-rule", name: "Ünïcode \u2028 \"quoted\"", revision: 3, body: { a: [1, 2.5, -3, true, null, "x"], nested: { deep: [[{}]] } } }] };
    expect(encodeMessage(plain)).toBe(superjson.stringify(plain));
    expect(decodeText(encodeMessage(plain))).toEqual(plain);
  });

  it("keeps what JSON cannot carry: dates, undefined, NaN, -0, maps, bigints, sparse arrays", () => {
    const rich = {
      at: new Date("2030-01-02T03:04:05.678Z"),
      missing: undefined,
      notANumber: Number.NaN,
      negativeZero: -0,
      map: new Map([["k", 1]]),
      big: 12n,
      sparse: [1, , 3], // eslint-disable-line no-sparse-arrays
      inside: { list: [{ when: new Date(0) }] },
    };
    expect(encodeMessage(rich)).toBe(superjson.stringify(rich));
    const back = decodeText(encodeMessage(rich)) as typeof rich;
    expect(back.at).toEqual(rich.at);
    expect(back.inside.list[0]!.when).toEqual(new Date(0));
    expect(Object.is(back.negativeZero, -0)).toBe(true);
    expect(back.map.get("k")).toBe(1);
    expect(back.big).toBe(12n);
    expect("missing" in back).toBe(true);
  });

  it("refuses malformed superjson metadata at once (superjson walked it without end until the stack overflowed)", () => {
    // Refused before superjson sees it: walking it is what overflowed the stack (5–10 ms a frame).
    const deserialize = vi.spyOn(superjson, "deserialize");
    try {
      for (const values of [{ x: ["custom", "X"] }, { x: "Date" }, ["map", "0"], [["class"]], { x: [] }, { x: ["Date", { y: "Date" }] }, 7]) {
        const text = JSON.stringify({ json: { type: "pong", id: "a", x: 1 }, meta: { values } });
        expect(() => decodeText(text), JSON.stringify(values)).toThrow("frame has invalid superjson metadata");
      }
      expect(deserialize).not.toHaveBeenCalled();
      // The spy sees what the codec calls: a well-formed frame does reach superjson.
      decodeText(encodeMessage({ at: new Date(0) }));
      expect(deserialize).toHaveBeenCalledTimes(1);
    } finally {
      deserialize.mockRestore();
    }
    // Well formed, but naming a class nobody registered: superjson's own refusal, the same typed error.
    expect(() => decodeText(JSON.stringify({ json: { t: {} }, meta: { values: { t: [["class", "Thing"]] } } }))).toThrow("frame has invalid superjson metadata");
  });

  it("decodes a value that holds one object twice to an equal value", () => {
    const shared = { kind: "siem-rule", name: "x" };
    const message = { items: [{ dependsOn: [shared] }, { dependsOn: [shared] }] };
    expect(decodeText(encodeMessage(message))).toEqual(message);
  });

  it("falls back to superjson for objects that are not plain and for very deep values", () => {
    class Thing {
      x = 1;
    }
    const deep: Record<string, unknown> = {};
    let cursor = deep;
    for (let i = 0; i < 100; i++) cursor = (cursor.next = {}) as Record<string, unknown>;
    for (const value of [{ thing: new Thing() }, deep, { re: /x/ }]) expect(encodeMessage(value)).toBe(superjson.stringify(value));
  });
});
