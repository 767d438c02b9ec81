// Every rule of the public Sigma repository (../shared/data/sigma) through the importer.
import { readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { filesUnder, sharedData } from "@canopy/shared-data";
import { canonicalHash } from "./canonical.js";
import { importSigma } from "./sigma-import.js";
import { validateContent } from "./validate.js";

const FOLDERS = ["rules", "rules-emerging-threats", "rules-threat-hunting"];
const EXPECTED_RULES = 3754;

describe("the Sigma rule corpus", () => {
  it(`imports all ${EXPECTED_RULES} rules without a crash, nearly all accepted`, () => {
    const root = sharedData("sigma");
    const files = FOLDERS.flatMap((folder) => filesUnder(join(root, folder), ".yml"));
    expect(files).toHaveLength(EXPECTED_RULES);

    const started = performance.now();
    let accepted = 0;
    const refusedByCode = new Map<string, { count: number; examples: string[] }>();
    const titles = new Set<string>();
    for (const file of files) {
      const source = relative(root, file);
      const result = importSigma(readFileSync(file, "utf8"), source);
      expect(result.accepted.length + result.refused.length).toBe(1);
      for (const rule of result.accepted) {
        accepted++;
        titles.add(rule.title);
        expect(canonicalHash(rule)).toMatch(/^sha256:[0-9a-f]{64}$/);
      }
      for (const refusal of result.refused) {
        const group = refusedByCode.get(refusal.code) ?? { count: 0, examples: [] };
        group.count++;
        if (group.examples.length < 3) group.examples.push(`${source}: ${refusal.reason}`);
        refusedByCode.set(refusal.code, group);
      }
    }
    const refused = [...refusedByCode.values()].reduce((sum, group) => sum + group.count, 0);
    const elapsed = Math.round(performance.now() - started);

    console.log(`Sigma corpus: ${files.length} rules, ${accepted} accepted, ${refused} refused (${elapsed} ms, ${titles.size} distinct titles)`);
    for (const [code, group] of [...refusedByCode].sort((a, b) => b[1].count - a[1].count)) {
      console.log(`  refused ${group.count} × ${code}, e.g. ${group.examples.join(" | ")}`);
    }
    if (refused === 0) console.log("  refused: none");

    expect(accepted + refused).toBe(EXPECTED_RULES);
    // The repository's rules are Sigma v2; refusing more than a handful means the importer is wrong.
    expect(accepted).toBeGreaterThanOrEqual(EXPECTED_RULES - 10);
  }, 120_000);

  it("accepts the imported rules again through validateContent (what the hub does on save)", () => {
    const root = sharedData("sigma");
    const files = filesUnder(join(root, "rules-threat-hunting"), ".yml");
    for (const file of files) {
      const [rule] = importSigma(readFileSync(file, "utf8")).accepted;
      const again = validateContent("siem-rule", JSON.parse(JSON.stringify(rule)));
      expect(again.ok && canonicalHash(again.value) === canonicalHash(rule)).toBe(true);
    }
  });
});
