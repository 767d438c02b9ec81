import { link, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLowdbStore } from "./lowdb-store.js";
import { checkStore, restoreCollection, StoreRestoreError } from "./store-maintenance.js";

const Tenant = z.object({ id: z.string(), name: z.string() });
const schemas = { tenants: Tenant, "audit.*": z.object({ id: z.string(), action: z.string() }) };

describe("store check and restore", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "canopy-store-restore-"));
    const store = await createLowdbStore({ dir, schemas });
    const tenants = store.collection<z.infer<typeof Tenant>>("tenants");
    tenants.put({ id: "t1", name: "Acme" });
    tenants.put({ id: "t2", name: "Beta" });
    await store.flush();
    tenants.put({ id: "t3", name: "Gamma" });
    store.collection<{ id: string; action: string }>("audit.2030-01").put({ id: "a1", action: "tenant.create" });
    await store.close();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("check lists every problem of every file, and nothing when all is well", async () => {
    expect(await checkStore(dir, schemas)).toEqual({ files: 2, documents: 4, problems: [] });
    await writeFile(join(dir, "tenants.json"), JSON.stringify({ version: 1, docs: { t1: { id: "t1" }, t2: { id: "t2", name: 2 } } }));
    await writeFile(join(dir, "audit.2030-01.json"), '{"version":1,"docs":{"a1":{"id":"a1","act');
    const found = await checkStore(dir, schemas);
    expect(found.problems.map((p) => [p.collection, p.id ?? null, p.field ?? null])).toEqual([
      ["audit.2030-01", null, null],
      ["tenants", "t1", "name"],
      ["tenants", "t2", "name"],
    ]);
  });

  it("restore sets the damaged file aside and puts the last good copy back, which the store then opens", async () => {
    const damaged = "{}";
    await writeFile(join(dir, "tenants.json"), damaged);
    const outcome = await restoreCollection(dir, "tenants", schemas, { now: new Date("2030-01-05T10:00:00.123Z") });
    expect(outcome.setAside).toBe(join(dir, "tenants.json.damaged-20300105T100000Z"));
    expect(outcome.restored?.documents).toBe(2);
    expect(await readFile(outcome.setAside!, "utf8")).toBe(damaged);
    const store = await createLowdbStore({ dir, schemas });
    expect(store.collection("tenants").all().map((t) => t.id)).toEqual(["t1", "t2"]);
    await store.close();
  });

  it("without a good copy it refuses, unless told to discard (the file is still kept aside)", async () => {
    await writeFile(join(dir, "audit.2030-01.json"), "null");
    await expect(restoreCollection(dir, "audit.2030-01", schemas)).rejects.toThrow(StoreRestoreError);
    await expect(restoreCollection(dir, "audit.2030-01", schemas)).rejects.toThrow(/there is no last good copy .*add --discard/);
    const outcome = await restoreCollection(dir, "audit.2030-01", schemas, { discard: true });
    expect(outcome.restored).toBeNull();
    expect((await readdir(dir)).filter((f) => f.startsWith("audit"))).toEqual([outcome.setAside!.slice(dir.length + 1)]);
    const store = await createLowdbStore({ dir, schemas });
    expect(store.collection("audit.2030-01").size).toBe(0);
    await store.close();
  });

  it("refuses a last good copy that is damaged too", async () => {
    await rm(join(dir, "tenants.json.bak"));
    await writeFile(join(dir, "tenants.json.bak"), "[");
    await expect(restoreCollection(dir, "tenants", schemas)).rejects.toThrow(/its last good copy is damaged too:\n {2}.*tenants\.json\.bak: not valid JSON/);
  });

  it("a restored file is not overwritten by the next write: it becomes the .bak", async () => {
    await rm(join(dir, "tenants.json"));
    await link(join(dir, "tenants.json.bak"), join(dir, "tenants.json"));
    const store = await createLowdbStore({ dir, schemas });
    store.collection<z.infer<typeof Tenant>>("tenants").put({ id: "t4", name: "Delta" });
    await store.close();
    expect(Object.keys(JSON.parse(await readFile(join(dir, "tenants.json.bak"), "utf8")).docs)).toEqual(["t1", "t2"]);
  });
});
