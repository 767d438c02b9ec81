import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { COMMIT_RECORD } from "./commit-record.js";
import { createLowdbStore } from "./lowdb-store.js";
import { loadPartitions } from "./partition-loader.js";

interface Thing {
  id: string;
  n: number;
}

const file = (n: number) => JSON.stringify({ version: 1, docs: { x: { id: "x", n } } });
const record = (files: string[]) => JSON.stringify({ id: "0123456789abcdef", files });

describe("a write of several partitions is atomic across them", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "canopy-commit-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const ns = async () => {
    const store = await createLowdbStore({ dir });
    const seen = ["a", "b", "c"].map((name) => store.collection<Thing>(name).get("x")?.n);
    await store.close();
    return seen;
  };

  it("a crash after the commit point: the next open finishes every rename, whichever were done", async () => {
    for (const name of ["a", "b", "c"]) await writeFile(join(dir, `${name}.json`), file(1));
    // a was renamed before the crash; b and c were not; c is not part of the write.
    await writeFile(join(dir, "a.json"), file(2));
    await writeFile(join(dir, "b.json.tmp"), file(2));
    await writeFile(join(dir, "new.json.tmp"), file(2));
    await writeFile(join(dir, "c.json.tmp"), file(9));
    await writeFile(join(dir, COMMIT_RECORD), record(["a.json", "b.json", "new.json"]));

    // A reader that must not change the folder (store check, migrate-store) sees the write whole.
    const viewed = await loadPartitions(dir, {});
    expect(["a", "b", "c", "new"].map((name) => viewed.partitions.get(name)?.[0])).toEqual([{ id: "x", n: 2 }, { id: "x", n: 2 }, { id: "x", n: 1 }, { id: "x", n: 2 }]);
    expect(await readdir(dir)).toContain(COMMIT_RECORD);

    expect(await ns()).toEqual([2, 2, 1]);
    const store = await createLowdbStore({ dir });
    expect(store.collection<Thing>("new").get("x")?.n).toBe(2);
    await store.close();
    const left = await readdir(dir);
    expect(left).not.toContain(COMMIT_RECORD);
    expect(left.filter((f) => f.endsWith(".tmp"))).toEqual(["c.json.tmp"]);
    expect(JSON.parse(await readFile(join(dir, "b.json.bak"), "utf8")).docs.x.n).toBe(1);
  });

  it("a crash before the commit point: the old files, whatever temps were written", async () => {
    for (const name of ["a", "b"]) await writeFile(join(dir, `${name}.json`), file(1));
    await writeFile(join(dir, "a.json.tmp"), file(2));
    await writeFile(join(dir, "b.json.tmp"), file(2));
    expect(await ns()).toEqual([1, 1, undefined]);
  });

  it("a rename refused after the commit point: the write stands (durable), and is finished before the next", async () => {
    const errors: unknown[] = [];
    const store = await createLowdbStore({ dir, onError: (error) => errors.push(error) });
    const [a, b] = [store.collection<Thing>("a"), store.collection<Thing>("b")];
    a.put({ id: "x", n: 1 });
    b.put({ id: "x", n: 1 });
    await store.flush();
    // b's file is now something the rename cannot replace.
    await rm(join(dir, "b.json"));
    await mkdir(join(dir, "b.json"));
    await writeFile(join(dir, "b.json", "in-the-way"), "");
    a.put({ id: "x", n: 2 });
    b.put({ id: "x", n: 2 });
    await store.flush();
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toMatch(/the last write was saved but .*b\.json could not be put in place: .*nothing was lost/);
    expect([a.durable("x")?.n, b.durable("x")?.n]).toEqual([2, 2]);
    expect(await readdir(dir)).toEqual(expect.arrayContaining([COMMIT_RECORD, "b.json.tmp"]));
    expect((await loadPartitions(dir, {})).partitions.get("b")).toEqual([{ id: "x", n: 2 }]);

    await rm(join(dir, "b.json"), { recursive: true });
    a.put({ id: "x", n: 3 });
    await store.flush();
    expect(JSON.parse(await readFile(join(dir, "b.json"), "utf8")).docs.x.n).toBe(2);
    expect(await readdir(dir)).not.toContain(COMMIT_RECORD);
    await store.close();
    expect(await ns()).toEqual([3, 2, undefined]);
  });

  it("a write of several partitions leaves no record and no temp behind", async () => {
    const store = await createLowdbStore({ dir });
    for (const name of ["a", "b", "c"]) store.collection<Thing>(name).put({ id: "x", n: 5 });
    await store.close();
    expect((await readdir(dir)).sort()).toEqual(["a.json", "b.json", "c.json"]);
    expect(await ns()).toEqual([5, 5, 5]);
  });
});
