import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ContentHash } from "@canopy/protocol";
import { describe, expect, it } from "vitest";
import { sharedData } from "@canopy/shared-data";
import { canonicalHash, canonicalJson } from "./canonical.js";
import { sha256Hex } from "./sha256.js";

/** The same value with every object's keys in reverse order. */
function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).reverse().map(([key, member]) => [key, reverseKeys(member)]));
  }
  return value;
}

describe("canonicalJson", () => {
  it("sorts keys at every depth, keeps array order, writes no whitespace", () => {
    expect(canonicalJson({ b: [3, 1, { z: 1, a: 2 }], a: { d: null, c: "x y" } })).toBe('{"a":{"c":"x y","d":null},"b":[3,1,{"a":2,"z":1}]}');
  });

  it("drops undefined members like JSON.stringify and honours toJSON", () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ at: new Date("2024-01-31T00:00:00.000Z") })).toBe('{"at":"2024-01-31T00:00:00.000Z"}');
  });

  it("refuses circular structures instead of looping", () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(() => canonicalJson(loop)).toThrow(/circular/);
  });
});

describe("canonicalHash", () => {
  const playbookText = readFileSync(join(sharedData("cacao", "examples"), "ssh-playbook.json"), "utf8");
  const playbook = JSON.parse(playbookText) as Record<string, unknown>;

  it("is a protocol ContentHash", () => {
    expect(ContentHash.safeParse(canonicalHash(playbook)).success).toBe(true);
  });

  it("is the same whatever the key order and whitespace of the JSON", () => {
    const reformatted = JSON.stringify(reverseKeys(playbook), null, "\t").replace(/\n/g, "\r\n   ");
    expect(reformatted).not.toBe(playbookText);
    const minified = JSON.stringify(JSON.parse(playbookText));
    expect(canonicalHash(JSON.parse(reformatted))).toBe(canonicalHash(playbook));
    expect(canonicalHash(JSON.parse(minified))).toBe(canonicalHash(playbook));
  });

  it("changes when any value changes, however deep", () => {
    const changed = structuredClone(playbook) as { workflow: Record<string, { commands?: { command: string }[] }> };
    changed.workflow["action--eb9372d4-d524-49fc-bf24-be26ea084779"]!.commands![0]!.command = "ls -l";
    expect(canonicalHash(changed)).not.toBe(canonicalHash(playbook));
    expect(canonicalHash({ ...playbook, priority: 2 })).not.toBe(canonicalHash(playbook));
    expect(canonicalHash({ a: 1 })).not.toBe(canonicalHash({ a: "1" }));
  });

  it("keeps array order: reordered items are a different document", () => {
    expect(canonicalHash({ rules: ["a", "b"] })).not.toBe(canonicalHash({ rules: ["b", "a"] }));
  });
});

describe("sha256Hex", () => {
  it("matches known vectors", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("matches node:crypto across padding boundaries and non-ASCII text", () => {
    for (let length = 0; length < 300; length++) {
      const text = "aé€😀".repeat(length).slice(0, length);
      expect(sha256Hex(text)).toBe(createHash("sha256").update(text, "utf8").digest("hex"));
    }
  });
});
