import { describe, expect, it } from "vitest";
import { SIGMA_RULE } from "../test/fixtures.js";
import { canonicalHash } from "./canonical.js";
import { importSigma } from "./sigma-import.js";

const LEGACY_AGGREGATION = `title: Many failed logons
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 4625
    timeframe: 5m
    condition: selection | count() by TargetUserName > 10
level: medium
`;

describe("importSigma", () => {
  it("imports one rule with its fields and its original YAML", () => {
    const { accepted, refused } = importSigma(SIGMA_RULE, "whoami.yml");
    expect(refused).toEqual([]);
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toMatchObject({
      title: "Suspicious Whoami Execution",
      id: "8f2c1a0e-8f7d-4b1e-9a55-1f0b3f3c2e11",
      author: "Canopy tests",
      level: "medium",
      status: "test",
      date: "2024-01-31",
      tags: ["attack.discovery", "attack.t1033"],
      logsource: { category: "process_creation", product: "windows" },
      detection: { selection: { "Image|endswith": "\\whoami.exe" }, condition: "selection and not filter_admin" },
      raw: SIGMA_RULE,
    });
  });

  it("imports each rule of a multi-document stream, each with its own YAML", () => {
    const second = SIGMA_RULE.replace("Suspicious Whoami Execution", "Second rule");
    const stream = `---\n${SIGMA_RULE}---\n# a comment that belongs to the third rule\n${second.replace("Second rule", "Third rule")}...\n---\n${second}`;
    const { accepted, refused } = importSigma(stream, "bundle.yml");
    expect(refused).toEqual([]);
    expect(accepted.map((rule) => rule.title)).toEqual(["Suspicious Whoami Execution", "Third rule", "Second rule"]);
    expect(accepted[0]!.raw).toBe(SIGMA_RULE);
    expect(accepted[1]!.raw.startsWith("# a comment that belongs to the third rule\ntitle: Third rule")).toBe(true);
    expect(accepted[2]!.raw).toBe(second);
    // Each raw document re-imports as the same rule.
    for (const rule of accepted) expect(canonicalHash(importSigma(rule.raw).accepted[0])).toBe(canonicalHash(rule));
  });

  it("refuses legacy and broken documents with a reason, and goes on with the rest", () => {
    const stream = [
      SIGMA_RULE,
      LEGACY_AGGREGATION,
      "title: No detection\nlogsource:\n    product: windows\n",
      "title: No condition\nlogsource:\n    product: windows\ndetection:\n    selection:\n        EventID: 1\n",
      "action: global\ntitle: Collection\ndetection:\n    condition: selection\n",
      "title: Correlation\ncorrelation:\n    type: event_count\n    rules: [a]\n",
      "title: [unclosed\n",
      "- just\n- a list\n",
    ].join("---\n");
    const { accepted, refused } = importSigma(stream, "mixed.yml");
    expect(accepted.map((rule) => rule.title)).toEqual(["Suspicious Whoami Execution"]);
    expect(refused.map(({ source, title, code }) => ({ source, title, code }))).toEqual([
      { source: "mixed.yml#2", title: "Many failed logons", code: "legacy-aggregation" },
      { source: "mixed.yml#3", title: "No detection", code: "no-detection" },
      { source: "mixed.yml#4", title: "No condition", code: "no-condition" },
      { source: "mixed.yml#5", title: "Collection", code: "legacy-collection" },
      { source: "mixed.yml#6", title: "Correlation", code: "unsupported-rule-type" },
      { source: "mixed.yml#7", title: undefined, code: "yaml-error" },
      { source: "mixed.yml#8", title: undefined, code: "invalid" },
    ]);
    expect(refused[0]!.reason).toBe(
      'detection.condition: the condition uses a Sigma v1 aggregation ("| count() by TargetUserName > 10"), which Sigma v2 dropped (use a correlation rule)',
    );
    expect(refused[1]!.reason).toBe("detection: the rule has no detection section (legacy or incomplete rule)");
    // Lines count from the start of the stream, so they point into the file the user uploaded.
    expect(refused[5]!.reason).toBe("YAML error at line 56: Flow sequence in block collection must be sufficiently indented and end with a ]");
    expect(refused[6]!.reason).toBe("a Sigma rule must be a YAML mapping");
  });

  it("never throws, whatever the input", () => {
    for (const text of ["", "---\n---\n", "\u0000\u0001", "a: &x [*x]", "a: !!binary zzz", "? [a]\n: b\n", "title: 1\n".repeat(3)]) {
      expect(() => importSigma(text)).not.toThrow();
    }
    expect(importSigma("")).toEqual({ accepted: [], refused: [] });
  });

  it("refuses YAML nested deeper than 64 levels before composing it, in every form, at once", () => {
    // 10,000 levels made the parser recurse until V8 aborted the process (issue 10, R4).
    const deep = (d: number) => ({
      "flow sequences": "[".repeat(d) + "]".repeat(d),
      "flow mappings": "{a: ".repeat(d) + "1" + "}".repeat(d),
      "compact block sequences": "- ".repeat(d) + "x",
      "indented block mappings": Array.from({ length: Math.min(d, 200) }, (_, i) => `${" ".repeat(i)}a:`).join("\n") + " x",
      "explicit keys": Array.from({ length: Math.min(d, 200) }, (_, i) => `${" ".repeat(i)}? `).join("\n") + "x",
    });
    for (const [form, text] of Object.entries(deep(100_000))) {
      const started = performance.now();
      const { accepted, refused } = importSigma(text, "deep.yml");
      expect(accepted, form).toEqual([]);
      expect(refused, form).toEqual([{ source: "deep.yml", reason: expect.stringMatching(/^YAML error at line \d+: nested deeper than 64 levels$/), code: "yaml-error" }]);
      // Refused as soon as the 65th level opens, not after reading the rest.
      expect(performance.now() - started, form).toBeLessThan(1000);
    }
    for (const [form, text] of Object.entries(deep(65))) expect(importSigma(text).refused[0]?.reason, form).toMatch(/nested deeper than 64 levels/);
    for (const [form, text] of Object.entries(deep(64))) expect(importSigma(text).refused[0]?.reason, form).not.toMatch(/nested/);
    // In a stream: the line of the level too deep, counted from the start; reading stops there, so
    // the whole file is refused (as with too many documents), the rules before it included.
    const stream = importSigma(`${SIGMA_RULE}---\n${deep(100)["indented block mappings"]}`, "stream.yml");
    expect(stream).toEqual({
      accepted: [],
      refused: [{ source: "stream.yml", reason: `YAML error at line ${SIGMA_RULE.split("\n").length + 65}: nested deeper than 64 levels`, code: "yaml-error" }],
    });
  });

  it("leaves YAML 1.2 dates as text", () => {
    const { accepted } = importSigma(SIGMA_RULE.replace("date: 2024-01-31", "date: 2024/01/31\nmodified: 2024-02-01"));
    expect(accepted[0]).toMatchObject({ date: "2024/01/31", modified: "2024-02-01" });
  });
});
