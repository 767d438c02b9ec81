import { canonicalHash, type ContentKind } from "@canopy/content";
import { describe, expect, it } from "vitest";
import type { ContentItemRecord, ContentRevisionRecord } from "../content/content-records.js";
import { expandItems, type CatalogueReads } from "./push-items.js";

/** A catalogue in a map: enough for expansion, which only reads. */
function catalogue(items: { id: string; kind: ContentKind; name: string; body: unknown }[]): CatalogueReads {
  const records = items.map(
    (item) =>
      ({ ...item, revision: 1, hash: canonicalHash(item.body), createdAt: "", updatedAt: "", createdBy: "t", updatedBy: "t" }) as ContentItemRecord,
  );
  return {
    get: async <K extends ContentKind>(kind: K, id: string) => records.find((r) => r.kind === kind && r.id === id) as ContentItemRecord<K> | undefined,
    getByName: async <K extends ContentKind>(kind: K, name: string) => records.find((r) => r.kind === kind && r.name === name) as ContentItemRecord<K> | undefined,
    all: async <K extends ContentKind>(kind: K) => records.filter((r) => r.kind === kind) as ContentItemRecord<K>[],
    revision: async () => undefined as ContentRevisionRecord<never> | undefined,
    revisionsOf: async () => [],
  };
}

const rule = (title: string) => ({ title, logsource: { product: "windows" }, detection: { sel: { EventID: 1 }, condition: "sel" }, raw: `title: ${title}` });

const content = catalogue([
  { id: "r1", kind: "siem-rule", name: "Rule One", body: rule("Rule One") },
  { id: "r2", kind: "siem-rule", name: "Rule Two", body: rule("Rule Two") },
  { id: "x1", kind: "tuning-expression", name: "Quiet", body: { name: "Quiet", expression: "a != b", rules: ["Rule One", "Rule Two", "Gone Rule"] } },
  { id: "f1", kind: "library", name: "SOC", body: { type: "folder", path: "SOC" } },
  { id: "f2", kind: "library", name: "SOC/Nightly", body: { type: "scheduled-search", path: "SOC/Nightly", query: "q", connection: "splunk", schedule: "0 2 * * *" } },
  { id: "f3", kind: "library", name: "SOC/Deep", body: { type: "folder", path: "SOC/Deep" } },
  { id: "f4", kind: "library", name: "SOC/Deep/Board", body: { type: "dashboard", path: "SOC/Deep/Board" } },
  { id: "f5", kind: "library", name: "Other", body: { type: "folder", path: "Other" } },
  { id: "c1", kind: "custom-field", name: "Severity", body: { name: "Severity", type: "text", appliesTo: "incident" } },
]);

describe("expandItems", () => {
  it("a tuning expression alone, or with its rules first when includeAssociatedRules; rules it lacks are missing dependencies", async () => {
    const alone = await expandItems(content, [{ kind: "tuning-expression", id: "x1" }], {});
    expect(alone.items.map((i) => i.name)).toEqual(["Quiet"]);
    expect(alone.items[0]!.dependsOn).toEqual([]);
    expect(alone.missingDependencies).toEqual([]);

    const withRules = await expandItems(content, [{ kind: "tuning-expression", id: "x1" }], { includeAssociatedRules: true });
    expect(withRules.items.map((i) => i.key)).toEqual(["siem-rule:Rule One", "siem-rule:Rule Two", "tuning-expression:Quiet"]);
    expect(withRules.items[2]!.dependsOn).toEqual([
      { kind: "siem-rule", name: "Rule One" },
      { kind: "siem-rule", name: "Rule Two" },
    ]);
    expect(withRules.missingDependencies).toEqual([{ kind: "siem-rule", name: "Gone Rule", requiredBy: "Quiet" }]);
  });

  it("a folder brings everything below it, under Admin Recommended, each item attached to its folder", async () => {
    const { items } = await expandItems(content, [{ kind: "library", id: "f1" }], {});
    expect(items.map((i) => i.name)).toEqual([
      "Admin Recommended/SOC",
      "Admin Recommended/SOC/Deep",
      "Admin Recommended/SOC/Deep/Board",
      "Admin Recommended/SOC/Nightly",
    ]);
    const byName = new Map(items.map((i) => [i.name, i]));
    expect(byName.get("Admin Recommended/SOC/Deep/Board")!.dependsOn).toEqual([{ kind: "library", name: "Admin Recommended/SOC/Deep" }]);
    expect(byName.get("Admin Recommended/SOC")!.dependsOn).toEqual([]);
  });

  it("ignored scheduled searches become saved searches, and the delivered hash is that of the delivered body", async () => {
    const { items } = await expandItems(content, [{ kind: "library", id: "f1" }], { scheduledSearches: "ignore" });
    const nightly = items.find((i) => i.name === "Admin Recommended/SOC/Nightly")!;
    expect(nightly.body).toEqual({ type: "saved-search", path: "Admin Recommended/SOC/Nightly", query: "q" });
    expect(nightly.hash).toBe(canonicalHash(nightly.body));
    const kept = (await expandItems(content, [{ kind: "library", id: "f2" }], {})).items[0]!;
    expect(kept.body).toMatchObject({ type: "scheduled-search", connection: "splunk", schedule: "0 2 * * *" });
  });

  it("other kinds go as stored, with the stored hash", async () => {
    const { items } = await expandItems(content, [{ kind: "custom-field", id: "c1" }], {});
    expect(items[0]).toMatchObject({ key: "custom-field:Severity", itemId: "c1", revision: 1, hash: canonicalHash({ name: "Severity", type: "text", appliesTo: "incident" }) });
  });

  it("lists each item once and reports unknown ids by position", async () => {
    const expansion = await expandItems(
      content,
      [
        { kind: "siem-rule", id: "r1" },
        { kind: "tuning-expression", id: "x1" },
        { kind: "custom-field", id: "nope" },
      ],
      { includeAssociatedRules: true },
    );
    expect(expansion.items.map((i) => i.name)).toEqual(["Rule One", "Rule Two", "Quiet"]);
    expect(expansion.unknown).toEqual([{ index: 2, kind: "custom-field", id: "nope" }]);
  });
});
