import { canonicalHash, type ContentKind } from "@canopy/content";
import { StoreWriteError } from "@canopy/store";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openHubData, type HubDataHarness, type HubDataKind } from "../../test/hub-data-harness.js";
import { manualClock } from "../../test/helpers.js";
import { Catalogue, contentHistory } from "./catalogue.js";
import { importContent } from "./content-import.js";
import { matchesListQuery, type ContentListQuery } from "./content-list.js";
import type { ContentItemRecord } from "./content-records.js";

const field = (name: string, extra: Record<string, unknown> = {}) => ({ name, type: "text", appliesTo: "incident", ...extra });
const rule = (title: string, extra: Record<string, unknown> = {}) => ({
  title,
  logsource: { product: "windows" },
  detection: { sel: { EventID: 1 }, condition: "sel" },
  raw: `title: ${title}`,
  ...extra,
});

describe.each<HubDataKind>(["embedded", "postgres"])("content repository (%s)", (kind) => {
  let clock: ReturnType<typeof manualClock>;
  let h: HubDataHarness;
  let catalogue: Catalogue;
  beforeEach(async () => {
    clock = manualClock();
    h = await openHubData(kind, clock);
    catalogue = new Catalogue(clock);
  });
  afterEach(() => h.close());

  const create = <K extends ContentKind>(k: K, body: unknown, actor = "a") => h.data.write((tx) => catalogue.create(tx.content, k, body, actor));
  const update = <K extends ContentKind>(k: K, id: string, body: unknown, actor = "a") => h.data.write((tx) => catalogue.update(tx.content, k, id, body, actor));
  const save = <K extends ContentKind>(k: K, body: unknown) => h.data.write((tx) => catalogue.save(tx.content, k, body, "a"));

  it("creates revision 1 with the canonical hash of the validated body, and keeps the revision", async () => {
    const item = await create("custom-field", field(" Owner "), "ana@example.com");
    expect(item).toMatchObject({ kind: "custom-field", name: "Owner", revision: 1, createdBy: "ana@example.com", updatedBy: "ana@example.com" });
    expect(item.id).toMatch(/^cnt_/);
    expect(item.hash).toBe(canonicalHash(item.body));
    expect(await h.data.content.get("custom-field", item.id)).toEqual(item);
    expect(await h.data.content.revision("custom-field", item.id, 1)).toEqual({
      id: `${item.id}:1`,
      itemId: item.id,
      kind: "custom-field",
      name: "Owner",
      revision: 1,
      hash: item.hash,
      body: item.body,
      savedAt: item.createdAt,
      savedBy: "ana@example.com",
    });
  });

  it("keeps names unique per kind ignoring case, through creates, renames and deletes; a race gives one 201 and one 409", async () => {
    const owner = await create("custom-field", field("Owner"));
    expect((await h.data.content.getByName("custom-field", "OWNER"))?.id).toBe(owner.id);
    expect(await h.data.content.getByName("tuning-expression", "Owner")).toBeUndefined();
    await expect(create("custom-field", field("owner"))).rejects.toMatchObject({ status: 409, code: "content_name_taken" });
    const tier = await create("custom-field", field("Tier"));
    await expect(update("custom-field", tier.id, field("OWNER"))).rejects.toMatchObject({ status: 409, code: "content_name_taken" });
    await update("custom-field", owner.id, field("Owner Renamed"));
    expect((await create("custom-field", field("owner"))).name).toBe("owner");
    await h.data.write((tx) => catalogue.remove(tx.content, "custom-field", tier.id));
    expect((await create("custom-field", field("TIER"))).name).toBe("TIER");

    const outcomes = await Promise.allSettled([create("siem-rule", rule("Twin")), create("siem-rule", rule("twin"))]);
    expect(outcomes.filter((o) => o.status === "fulfilled")).toHaveLength(1);
    expect(outcomes.find((o) => o.status === "rejected")).toMatchObject({ reason: { code: "content_name_taken" } });
    expect(await h.data.content.all("siem-rule")).toHaveLength(1);
  });

  it("an unchanged body keeps the revision; a change adds one and keeps the old; history is newest first", async () => {
    const v1 = await create("custom-field", field("Owner"), "a");
    clock.advance(1000);
    const same = await update("custom-field", v1.id, { appliesTo: "incident", type: "text", name: "Owner" }, "b");
    expect(same).toMatchObject({ outcome: "unchanged", item: v1 });
    const { item: v2 } = await update("custom-field", v1.id, field("Owner", { required: true }), "b");
    expect(v2).toMatchObject({ revision: 2, createdBy: "a", updatedBy: "b", createdAt: v1.createdAt });
    expect(v2.updatedAt).not.toBe(v1.updatedAt);
    expect((await contentHistory(h.data.content, "custom-field", v1.id)).map((r) => [r.revision, r.savedBy])).toEqual([
      [2, "b"],
      [1, "a"],
    ]);
    const both = await h.data.content.revisionsOf([
      { kind: "custom-field", itemId: v1.id, revision: 1 },
      { kind: "custom-field", itemId: v1.id, revision: 2 },
      { kind: "custom-field", itemId: v1.id, revision: 3 },
      { kind: "siem-rule", itemId: v1.id, revision: 1 },
    ]);
    expect(both.map((r) => r.hash).sort()).toEqual([v1.hash, v2.hash].sort());
  });

  it("save creates, updates by name, or reports unchanged; two saves of one item at once make two revisions, not a clash", async () => {
    const created = await save("custom-field", field("Owner"));
    expect(created.outcome).toBe("created");
    expect(await save("custom-field", field("Owner"))).toEqual({ item: created.item, outcome: "unchanged" });
    const updated = await save("custom-field", field("OWNER", { required: true }));
    expect(updated).toMatchObject({ outcome: "updated", item: { id: created.item.id, name: "OWNER", revision: 2 } });
    const racing = await Promise.all([save("custom-field", field("Owner", { description: "x" })), save("custom-field", field("Owner", { description: "y" }))]);
    expect(racing.map((r) => r.item.revision).sort()).toEqual([3, 4]);
    expect((await h.data.content.get("custom-field", created.item.id))?.revision).toBe(4);
  });

  it("two imports replacing the same items, listed in opposite orders, both finish (neither waits on the other for ever)", async () => {
    const sigma = (title: string, level: string) => `title: ${title}\nlogsource:\n  product: windows\ndetection:\n  sel:\n    EventID: 1\n  condition: sel\nlevel: ${level}\n`;
    const titles = Array.from({ length: 6 }, (_, i) => `Rule ${i}`);
    const files = (level: string) => titles.map((title) => ({ name: `${title}.yml`, text: sigma(title, level) }));
    await h.data.write((tx) => importContent(catalogue, tx.content, { type: "files", files: files("low") }, "a"));
    const [forward, backward] = await Promise.all([
      h.data.write((tx) => importContent(catalogue, tx.content, { type: "files", files: files("high") }, "a")),
      h.data.write((tx) => importContent(catalogue, tx.content, { type: "files", files: files("medium").reverse() }, "b")),
    ]);
    expect([forward.updated.length, backward.updated.length]).toEqual([6, 6]);
    expect(backward.updated.map((item) => item.name)).toEqual([...titles].reverse());
    const revisions = (await h.data.content.all("siem-rule")).map((item) => item.revision);
    expect(revisions).toEqual([3, 3, 3, 3, 3, 3]);
  });

  it("refuses bad bodies with 422 and the validator's paths, and missing items with 404", async () => {
    await expect(create("tuning-expression", { name: "T", expression: "", rules: "x" })).rejects.toMatchObject({ status: 422 });
    const invalid = (await create("tuning-expression", { name: "T", expression: "", rules: "x" }).catch((error: unknown) => error)) as { extra: { errors: { path: string }[] } };
    expect(invalid.extra.errors.map((e) => e.path).sort()).toEqual(["expression", "rules"]);
    await expect(update("custom-field", "cnt_nope", field("X"))).rejects.toMatchObject({ status: 404 });
    await expect(h.data.write((tx) => catalogue.remove(tx.content, "custom-field", "cnt_nope"))).rejects.toMatchObject({ status: 404 });
    await expect(contentHistory(h.data.content, "custom-field", "cnt_nope")).rejects.toMatchObject({ status: 404 });
    expect(await h.data.content.get("custom-field", "cnt_nope")).toBeUndefined();
  });

  it("a deleted item frees its name; its revisions stay readable", async () => {
    const item = await create("custom-field", field("Owner"));
    expect(await h.data.write((tx) => catalogue.remove(tx.content, "custom-field", item.id))).toEqual(item);
    expect(await h.data.content.get("custom-field", item.id)).toBeUndefined();
    expect(await h.data.content.getByName("custom-field", "Owner")).toBeUndefined();
    expect((await h.data.content.revision("custom-field", item.id, 1))?.hash).toBe(item.hash);
    expect((await create("custom-field", field("Owner"))).id).not.toBe(item.id);
  });

  it("pages every filter by 3, in code-point order of the lower-cased name, as a brute-force reference does", async () => {
    const titles = ["beta", "Alpha", "ALPHA 2", "Ångström", "Ünïcode", "zeta 🦊", "100% match", "9 lives", "Gamma", "delta"];
    const made: ContentItemRecord<"siem-rule">[] = [];
    for (const [i, title] of titles.entries()) {
      const extra = { level: i % 3 === 0 ? "high" : "low", tags: i % 2 === 0 ? ["attack.t1059", "Linux"] : ["windows"], description: i === 4 ? "Finds MIMIKATZ" : undefined, id: `0000000${i}-rule` };
      made.push(await create("siem-rule", rule(title, extra)));
    }
    const queries: Omit<ContentListQuery, "limit" | "cursor">[] = [{}, { level: "high" }, { tag: "Linux" }, { tag: "linux" }, { q: "ALPHA" }, { q: "mimikatz" }, { q: "%" }, { q: "00000003" }, { q: "🦊" }, { level: "low", tag: "windows", q: "a" }];
    const byKey = (a: ContentItemRecord, b: ContentItemRecord) => {
      const [x, y] = [a.name.toLowerCase(), b.name.toLowerCase()];
      return x < y ? -1 : x > y ? 1 : a.id < b.id ? -1 : 1;
    };
    for (const query of queries) {
      const expected = made.filter((item) => matchesListQuery(item, { limit: 0, ...query })).sort(byKey).map((item) => item.name);
      const got: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await h.data.content.page("siem-rule", { limit: 3, ...query, cursor });
        got.push(...page.items.map((item) => item.name));
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      expect(got, JSON.stringify(query)).toEqual(expected);
    }
    expect((await h.data.content.page("custom-field", { limit: 3 })).items).toEqual([]);
    await expect(h.data.content.page("siem-rule", { limit: 3, cursor: "not-a-cursor" })).rejects.toMatchObject({ status: 422 });
  });

  it("a refused write leaves neither the item, its revision nor its audit entry, and frees its name", async () => {
    await h.breakWrites();
    const refused = await h.data
      .write(async (tx) => {
        const item = await catalogue.create(tx.content, "custom-field", field("Doomed"), "a");
        await tx.audit.record({ actor: "a", action: "content.create", target: `content:${item.id}`, detail: {} });
        return item;
      })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StoreWriteError);
    await h.mendWrites();
    expect(await h.data.content.all("custom-field")).toEqual([]);
    expect((await h.audit.list({ limit: 10 })).items.filter((e) => e.action === "content.create")).toEqual([]);
    const again = await create("custom-field", field("Doomed"));
    expect(await h.data.content.history("custom-field", again.id, again.revision)).toHaveLength(1);
  });
});
