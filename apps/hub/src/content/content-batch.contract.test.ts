import type { ContentKind } from "@canopy/content";
import { StoreWriteError } from "@canopy/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openHubData, type HubDataHarness, type HubDataKind } from "../../test/hub-data-harness.js";
import { manualClock } from "../../test/helpers.js";
import { Catalogue } from "./catalogue.js";
import { newItem, replaced, revisionOf, validated } from "./catalogue-rules.js";
import { importContent, type ImportOutcome } from "./content-import.js";
import type { ContentItemRecord } from "./content-records.js";

const AT = "2030-01-15T12:00:00.000Z";
const field = (name: string, extra: Record<string, unknown> = {}) => ({ name, type: "text", appliesTo: "incident", ...extra });
const sigma = (title: string, level: string) => `title: ${title}\nlogsource:\n  product: windows\ndetection:\n  sel:\n    EventID: 1\n  condition: sel\nlevel: ${level}\n`;
const files = (titles: readonly string[], level: string) => titles.map((title) => ({ name: `${title}.yml`, text: sigma(title, level) }));

/** An item as the catalogue would make it, not yet stored. */
function draftItem(kind: ContentKind, body: unknown): ContentItemRecord {
  const { value, name } = validated(kind, body);
  return newItem(kind, value, name, "a", AT);
}

describe.each<HubDataKind>(["embedded", "postgres"])("content repository, many at once (%s)", (kind) => {
  let h: HubDataHarness;
  let catalogue: Catalogue;
  beforeEach(async () => {
    const clock = manualClock();
    h = await openHubData(kind, clock);
    catalogue = new Catalogue(clock);
  });
  afterEach(() => h.close());

  const create = <K extends ContentKind>(k: K, body: unknown) => h.data.write((tx) => catalogue.create(tx.content, k, body, "a"));
  const importRules = (titles: readonly string[], level: string, sliceSize?: number) =>
    h.data.write((tx) => importContent(catalogue, tx.content, { type: "files", files: files(titles, level) }, "a", sliceSize === undefined ? {} : { sliceSize }));

  it("getByNamesForUpdate finds items by name ignoring case, per kind, in the order asked; unknown names are left out", async () => {
    const owner = await create("custom-field", field("Owner"));
    const tier = await create("custom-field", field("Tier"));
    const rule = draftItem("siem-rule", { title: "Owner", logsource: { product: "windows" }, detection: { sel: { EventID: 1 }, condition: "sel" }, raw: "title: Owner" });
    await h.data.write((tx) => tx.content.insertMany([rule]));
    const found = await h.data.write((tx) =>
      tx.content.getByNamesForUpdate([
        { kind: "custom-field", name: "TIER" },
        { kind: "custom-field", name: "Nobody" },
        { kind: "siem-rule", name: "owner" },
        { kind: "custom-field", name: "owner" },
      ]),
    );
    expect(found).toEqual([tier, rule, owner]);
    expect(await h.data.write((tx) => tx.content.getByNamesForUpdate([]))).toEqual([]);
  });

  it("insertMany inserts in order and hands back the items whose name is taken, by an item or by one before them", async () => {
    const held = await create("custom-field", field("Owner"));
    const items = [draftItem("custom-field", field("Tier")), draftItem("custom-field", field("OWNER")), draftItem("tuning-expression", { name: "Owner", expression: "x", rules: [] }), draftItem("custom-field", field("tier"))];
    const taken = await h.data.write((tx) => tx.content.insertMany(items));
    expect(taken).toEqual([items[1], items[3]]);
    expect(await h.data.content.getByName("custom-field", "TIER")).toEqual(items[0]);
    expect(await h.data.content.getByName("custom-field", "owner")).toEqual(held);
    expect(await h.data.content.getByName("tuning-expression", "owner")).toEqual(items[2]);
    expect(await h.data.write((tx) => tx.content.insertMany([]))).toEqual([]);
  });

  it("insertMany and addRevisions take more rows than one statement carries", async () => {
    const items = Array.from({ length: 1201 }, (_, i) => draftItem("custom-field", field(`Field ${i}`)));
    await h.data.write(async (tx) => {
      expect(await tx.content.insertMany(items)).toEqual([]);
      await tx.content.addRevisions(items.map(revisionOf));
    });
    expect(await h.data.content.all("custom-field")).toHaveLength(1201);
    const refs = items.map((item) => ({ kind: item.kind, itemId: item.id, revision: 1 }));
    expect((await h.data.content.revisionsOf(refs)).map((revision) => revision.itemId).sort()).toEqual(items.map((item) => item.id).sort());
  });

  it("updateMany changes many items at once, a change of case included; a missing item (404) or a taken name (409) changes none", async () => {
    const alpha = await create("custom-field", field("Alpha"));
    const beta = await create("custom-field", field("Beta"));
    const next = (item: ContentItemRecord<"custom-field">, body: unknown) => {
      const { value, name } = validated("custom-field", body);
      return replaced(item, value, name, "b", AT)!;
    };
    const [alpha2, beta2] = [next(alpha, field("ALPHA")), next(beta, field("Beta", { required: true }))];
    await h.data.write((tx) => tx.content.updateMany([alpha2, beta2]));
    expect(await h.data.content.getByName("custom-field", "alpha")).toEqual(alpha2);
    expect(await h.data.content.get("custom-field", beta.id)).toEqual(beta2);

    const missing = { ...next(beta2, field("Beta", { description: "x" })), id: "cnt_missing" };
    await expect(h.data.write((tx) => tx.content.updateMany([next(alpha2, field("ALPHA", { description: "y" })), missing]))).rejects.toMatchObject({ status: 404 });
    const onto = next(alpha2, field("beta"));
    await expect(h.data.write((tx) => tx.content.updateMany([next(beta2, field("Beta", { description: "z" })), onto]))).rejects.toMatchObject({ status: 409, code: "content_name_taken" });
    expect(await h.data.content.all("custom-field")).toEqual(expect.arrayContaining([alpha2, beta2]));
    expect(await h.data.content.getByName("custom-field", "beta")).toEqual(beta2);
  });

  it("saveMany gives each draft its result at its place: saved in slices, 422 with the validator's paths, 409 for a second draft of one name", async () => {
    const owner = await create("custom-field", field("Owner"));
    const results = await h.data.write((tx) =>
      catalogue.saveMany(
        tx.content,
        [
          { kind: "custom-field", body: field("Tier") },
          { kind: "custom-field", body: field("owner", { required: true }) },
          { kind: "tuning-expression", body: { name: "T", expression: "", rules: "x" } },
          { kind: "custom-field", body: field(" Tier ") },
          { kind: "custom-field", body: field("Owner") },
          { kind: "custom-field", body: field("Zone") },
        ],
        "b",
        { sliceSize: 2 },
      ),
    );
    expect(results[0]).toMatchObject({ outcome: "created", item: { name: "Tier", revision: 1, createdBy: "b" } });
    expect(results[1]).toMatchObject({ outcome: "updated", item: { id: owner.id, name: "owner", revision: 2, createdBy: "a", updatedBy: "b" } });
    expect(results[2]).toMatchObject({ status: 422, extra: { errors: [{ path: "expression" }, { path: "rules" }] } });
    expect(results[3]).toMatchObject({ status: 409, code: "content_name_taken" });
    expect(results[4]).toMatchObject({ status: 409, code: "content_name_taken" });
    expect(results[5]).toMatchObject({ outcome: "created", item: { name: "Zone" } });
    expect((await h.data.content.history("custom-field", owner.id, 2)).map((revision) => [revision.revision, revision.name])).toEqual([
      [2, "owner"],
      [1, "Owner"],
    ]);
    expect((await h.data.content.all("custom-field")).map((item) => item.name).sort()).toEqual(["Tier", "Zone", "owner"]);
  });

  it("an import in slices of 2 tells created, updated, unchanged and refused as one slice does, with the revisions", async () => {
    await importRules(["Rule 1", "Rule 3"], "low");
    const outcome = await importRules(["Rule 4", "Rule 3", "Rule 1", "Rule 4", "Rule 2"], "low", 2);
    const summary = (o: ImportOutcome) => ({
      created: o.created.map((item) => [item.name, item.revision]),
      updated: o.updated.map((item) => [item.name, item.revision]),
      unchanged: o.unchanged.map((item) => [item.name, item.revision]),
      refused: o.refused.map((r) => [r.source, r.code]),
    });
    expect(summary(outcome)).toEqual({ created: [["Rule 4", 1], ["Rule 2", 1]], updated: [], unchanged: [["Rule 3", 1], ["Rule 1", 1]], refused: [["Rule 4.yml", "duplicate"]] });
    const changed = await importRules(["Rule 4", "Rule 3", "Rule 1", "Rule 2", "Rule 5"], "high", 2);
    expect(summary(changed)).toEqual({ created: [["Rule 5", 1]], updated: [["Rule 4", 2], ["Rule 3", 2], ["Rule 1", 2], ["Rule 2", 2]], unchanged: [], refused: [] });
    const rule1 = (await h.data.content.getByName("siem-rule", "rule 1"))!;
    expect((await h.data.content.history("siem-rule", rule1.id, rule1.revision)).map((revision) => (revision.body as { level: string }).level)).toEqual(["high", "low"]);
  });

  it("imports replacing and creating overlapping names, in other orders and slices, all finish; each name is made once", async () => {
    const titles = Array.from({ length: 10 }, (_, i) => `Rule ${i}`);
    await importRules(titles.slice(5), "low");
    const runs: [string[], string, number][] = [
      [titles, "high", 1],
      [[...titles].reverse(), "medium", 500],
      [titles.filter((_, i) => i % 2 === 1), "critical", 2],
    ];
    const outcomes = await Promise.all(runs.map(([names, level, slice]) => importRules(names, level, slice)));
    const made = outcomes.flatMap((o) => o.created.map((item) => item.name)).sort();
    expect(made).toEqual(titles.slice(0, 5));
    for (const item of await h.data.content.all("siem-rule")) {
      const updates = outcomes.filter((o) => o.updated.some((u) => u.id === item.id)).length;
      expect(item.revision, item.name).toBe(1 + updates);
    }
    // A name made by another import meanwhile is refused as taken, as a save of it one at a time would be.
    for (const refusal of outcomes.flatMap((o) => o.refused)) expect(refusal.code).toBe("content_name_taken");
  });

  it("a refused import leaves no item, revision or audit entry, and changes none it replaced", async () => {
    await importRules(["Rule 1", "Rule 2"], "low");
    const before = await h.data.content.all("siem-rule");
    await h.breakWrites();
    const refused = await h.data
      .write(async (tx) => {
        await importContent(catalogue, tx.content, { type: "files", files: files(["Rule 1", "Rule 2", "Rule 3", "Rule 4", "Rule 5"], "high") }, "a", { sliceSize: 2 });
        await tx.audit.record({ actor: "a", action: "content.import", target: null, detail: {} });
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StoreWriteError);
    await h.mendWrites();
    expect(await h.data.content.all("siem-rule")).toEqual(expect.arrayContaining(before));
    expect(await h.data.content.all("siem-rule")).toHaveLength(2);
    for (const item of before) expect(await h.data.content.revision("siem-rule", item.id, 2)).toBeUndefined();
    expect((await h.audit.list({ limit: 10 })).items.filter((e) => e.action === "content.import")).toEqual([]);
    const again = await importRules(["Rule 3", "Rule 4", "Rule 5"], "high", 2);
    expect(again.created.map((item) => item.name)).toEqual(["Rule 3", "Rule 4", "Rule 5"]);
  });
});
