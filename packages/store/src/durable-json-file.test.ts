import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Low } from "lowdb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DurableJsonFile } from "./durable-json-file.js";
import type { PartitionFile } from "./partition-file.js";

describe("DurableJsonFile, lowdb's adapter", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "canopy-adapter-"));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("works under lowdb's Low: reads null when absent, writes compact JSON and keeps the previous file as .bak", async () => {
    const file = join(dir, "things.json");
    const db = new Low<PartitionFile>(new DurableJsonFile(file), { version: 1, docs: {} });
    await db.read();
    expect(db.data).toEqual({ version: 1, docs: {} });
    db.data.docs.a = { id: "a" };
    await db.write();
    db.data.docs.b = { id: "b" };
    await db.write();
    expect(await readFile(file, "utf8")).toBe('{"version":1,"docs":{"a":{"id":"a"},"b":{"id":"b"}}}');
    expect(await readFile(`${file}.bak`, "utf8")).toBe('{"version":1,"docs":{"a":{"id":"a"}}}');
    expect((await readdir(dir)).sort()).toEqual(["things.json", "things.json.bak"]);

    const again = new Low<PartitionFile>(new DurableJsonFile(file), { version: 1, docs: {} });
    await again.read();
    expect(Object.keys(again.data.docs)).toEqual(["a", "b"]);
  });

  it("a refused write names the file and errno, and leaves the file and no temp behind", async () => {
    const file = join(dir, "things.json");
    let refuse = false;
    const adapter = new DurableJsonFile(file, {
      fault: () => {
        if (refuse) throw Object.assign(new Error("no space"), { code: "ENOSPC" });
      },
    });
    await adapter.write({ version: 1, docs: { a: { id: "a" } } });
    refuse = true;
    await expect(adapter.write({ version: 1, docs: {} })).rejects.toThrow(`could not write ${file}: its disk is full (ENOSPC)`);
    expect(JSON.parse(await readFile(file, "utf8")).docs).toEqual({ a: { id: "a" } });
    expect(await readdir(dir)).toEqual(["things.json"]);
  });
});
