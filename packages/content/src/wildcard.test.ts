import { describe, expect, it } from "vitest";
import { matchesWildcard } from "./wildcard.js";

/** Every string over `alphabet` up to `length` characters. */
function allStrings(alphabet: string, length: number): string[] {
  const out = [""];
  for (let size = 1, level = [""]; size <= length; size++) {
    level = level.flatMap((prefix) => [...alphabet].map((char) => prefix + char));
    out.push(...level);
  }
  return out;
}

/** The obvious definition, by recursion: fine as an oracle on tiny inputs. */
function reference(pattern: string, text: string): boolean {
  if (pattern === "") return text === "";
  if (pattern[0] === "*") return reference(pattern.slice(1), text) || (text !== "" && reference(pattern, text.slice(1)));
  return text !== "" && text[0] === pattern[0] && reference(pattern.slice(1), text.slice(1));
}

describe("matchesWildcard", () => {
  it("matches like Sigma's identifier wildcards", () => {
    expect(matchesWildcard("selection_*", "selection_img")).toBe(true);
    expect(matchesWildcard("selection_*", "selection_")).toBe(true);
    expect(matchesWildcard("selection_*", "selection")).toBe(false);
    expect(matchesWildcard("*_parent", "sel_parent")).toBe(true);
    expect(matchesWildcard("sel*img*", "sel_img_2")).toBe(true);
    expect(matchesWildcard("sel.*", "selx")).toBe(false);
    expect(matchesWildcard("filter", "filter")).toBe(true);
    expect(matchesWildcard("filter", "filter_a")).toBe(false);
    expect(matchesWildcard("*", "")).toBe(true);
    expect(matchesWildcard("a*a", "a")).toBe(false);
  });

  it("agrees with the recursive definition on every small pattern and text", () => {
    const texts = allStrings("ab", 5);
    for (const pattern of allStrings("ab*", 4)) {
      for (const text of texts) expect(matchesWildcard(pattern, text), `${pattern} ~ ${text}`).toBe(reference(pattern, text));
    }
  });

  it("answers at once for many stars against a long near miss", () => {
    // As a backtracking RegExp this never finished: every way of placing 60 stars in 5000 a's.
    const text = "a".repeat(5000);
    expect(matchesWildcard(`${"*a".repeat(60)}*b`, text)).toBe(false);
    expect(matchesWildcard(`${"a*".repeat(60)}`, text)).toBe(true);
    expect(matchesWildcard(`*${"ab".repeat(30)}*`, "ab".repeat(2000).slice(1))).toBe(true);
  });
});
