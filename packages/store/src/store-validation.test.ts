import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLowdbStore } from "./lowdb-store.js";
import { StoreFileError } from "./store-errors.js";
import type { StoreCommands } from "./store-refusal.js";

const Tenant = z.object({ id: z.string(), name: z.string(), tags: z.array(z.string()) });
const Insight = z.object({ id: z.string(), title: z.string(), revision: z.number().int().default(1) });
const schemas = { tenants: Tenant, "insights.*": Insight };
const commands: StoreCommands = {
  check: "canopy-hub store check --data-dir /srv",
  restore: (collection, { discard }) => `canopy-hub store restore ${collection} --data-dir /srv${discard ? " --discard" : ""}`,
};

const good = JSON.stringify({ version: 1, docs: { t1: { id: "t1", name: "Acme", tags: [] } } });

describe("store files are checked when the store opens", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "canopy-store-check-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Opens over `text` as tenants.json: must refuse, touch nothing, and say why and what to do. */
  async function refusedWith(text: string): Promise<StoreFileError> {
    const file = join(dir, "tenants.json");
    await writeFile(file, text);
    const before = (await readdir(dir)).sort();
    const error = await createLowdbStore({ dir, schemas, commands }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(StoreFileError);
    expect(await readFile(file, "utf8")).toBe(text);
    expect((await readdir(dir)).sort()).toEqual(before);
    const refusal = error as StoreFileError;
    expect(refusal.message).toContain(file);
    expect(refusal.message).toContain("nothing was changed or overwritten");
    expect(refusal.message).toContain("every problem: canopy-hub store check --data-dir /srv");
    return refusal;
  }

  const wrongShapes: [string, string, RegExp][] = [
    ["damaged JSON", "{not json", /not valid JSON/],
    ["a truncated file", good.slice(0, good.length - 9), /not valid JSON .*cut short/],
    ["an empty file", "", /the file is empty/],
    ["{}", "{}", /no version/],
    ["null", "null", /found null/],
    ["a docs list", JSON.stringify({ version: 1, docs: [] }), /"docs" must be an object of documents by id, found a list/],
    ["docs null", JSON.stringify({ version: 1, docs: null }), /"docs" must be an object .* found null/],
    ["a newer version", JSON.stringify({ version: 2, docs: {} }), /version 2; this program reads version 1/],
    ["a document that is not an object", JSON.stringify({ version: 1, docs: { t1: "Acme" } }), /document "t1": not a document: found a string/],
    ["a document filed under another id", JSON.stringify({ version: 1, docs: { t1: { id: "t2", name: "A", tags: [] } } }), /document "t1", field id: its id is "t2", but it is filed under "t1"/],
  ];
  for (const [what, text, expected] of wrongShapes) {
    it(`refuses ${what}`, async () => {
      expect((await refusedWith(text)).message).toMatch(expected);
    });
  }

  it("refuses a document with missing or wrong fields, naming the document and each field", async () => {
    const refusal = await refusedWith(JSON.stringify({ version: 1, docs: { t1: { id: "t1", tags: ["a", 7] } } }));
    expect(refusal.problems.map((p) => [p.id, p.field])).toEqual([
      ["t1", "name"],
      ["t1", "tags.1"],
    ]);
    expect(refusal.message).toMatch(/tenants\.json, document "t1", field name: .*expected string, received undefined/);
  });

  it("checks every partition a name pattern covers, and fills in the schema's defaults", async () => {
    await writeFile(join(dir, "insights.abc.3.json"), JSON.stringify({ version: 1, docs: { i1: { id: "i1", title: "x" } } }));
    const store = await createLowdbStore({ dir, schemas });
    expect(store.collection("insights.abc.3").get("i1")).toEqual({ id: "i1", title: "x", revision: 1 });
    await store.close();

    await writeFile(join(dir, "insights.abc.4.json"), JSON.stringify({ version: 1, docs: { i2: { id: "i2" } } }));
    await expect(createLowdbStore({ dir, schemas })).rejects.toThrow(/insights\.abc\.4\.json, document "i2", field title/);
  });

  it("names the way out: the last good copy and what it holds, else setting the file aside", async () => {
    const store = await createLowdbStore({ dir, schemas });
    store.collection<z.infer<typeof Tenant>>("tenants").put({ id: "t1", name: "Acme", tags: [] });
    await store.flush();
    store.collection<z.infer<typeof Tenant>>("tenants").put({ id: "t2", name: "Beta", tags: [] });
    await store.close();
    await writeFile(join(dir, "tenants.json"), "{}");
    await expect(createLowdbStore({ dir, schemas, commands })).rejects.toThrow(
      /way out: canopy-hub store restore tenants --data-dir \/srv \(puts back the last good copy: 1 documents, written \d{4}-/,
    );

    await rm(join(dir, "tenants.json.bak"));
    await expect(createLowdbStore({ dir, schemas, commands })).rejects.toThrow(
      /way out: there is no last good copy; canopy-hub store restore tenants --data-dir \/srv --discard \(sets the file aside; the collection starts empty\)/,
    );
  });

  it("lists every damaged file, not only the first", async () => {
    await writeFile(join(dir, "tenants.json"), "null");
    await writeFile(join(dir, "insights.a.0.json"), "[");
    const error = (await createLowdbStore({ dir, schemas }).catch((e: unknown) => e)) as StoreFileError;
    expect(error.collections.sort()).toEqual(["insights.a.0", "tenants"]);
    expect(error.message).toContain("2 damaged files");
  });
});
