import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ContentHash } from "@canopy/protocol";
import { describe, expect, it } from "vitest";
import { sharedData } from "@canopy/shared-data";
import { canonicalHash, canonicalJson } from "./canonical.js";

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

describe("canonicalHash's digest", () => {
  it("is the SHA-256 of the canonical UTF-8 text, so hashes agents already hold stay the same", () => {
    // Values fixed when the hash moved from a hand-written SHA-256 to node:crypto.
    expect(canonicalHash({ c: { z: true, y: 1.5 }, b: [1, "é€😀"], a: null })).toBe(
      "sha256:08c90dab07f38a15106d5a315173257826bf38847eaa86c3c826d6f1405276eb",
    );
    expect(canonicalHash("")).toBe("sha256:12ae32cb1ec02d01eda3581b127c1fee3b0dc53572ed6baf239721a03d82e126");
  });
});
