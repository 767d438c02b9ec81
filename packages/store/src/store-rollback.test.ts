import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLowdbStore } from "./lowdb-store.js";
import { createMemoryStore } from "./memory-store.js";
import { migrate } from "./postgres/migrations.js";
import { connectPostgres, type PostgresDatabase } from "./postgres/postgres-database.js";
import { createPostgresStore } from "./postgres/postgres-store.js";
import { recordsTableMigration } from "./postgres/records-table.js";
import { createTestDatabase, testDatabaseUrl } from "@canopy/postgres-cluster";
import { StoreWriteError } from "./store-errors.js";
import type { RollbackEvent, Store } from "./store.js";

interface Thing {
  id: string;
  n: number;
  tags?: string[];
}

/** A disk that refuses writes (as EROFS) while `failing` holds, optionally only for one collection. */
class Disk {
  failing: { code: string; only?: string } | null = null;
  check = (file: string): void => {
    if (this.failing && (!this.failing.only || file.includes(this.failing.only))) {
      throw Object.assign(new Error(`${this.failing.code}: refused ${file}`), { code: this.failing.code });
    }
  };
}

/** A PostgreSQL store on a database of its own, dropped when the store closes. */
async function openPostgresStore(disk: Disk): Promise<Store> {
  const database = await createTestDatabase(testDatabaseUrl(), "rollback");
  let db: PostgresDatabase | undefined;
  try {
    db = await connectPostgres(database.url);
    await migrate(db.pool, [recordsTableMigration(1)]);
    const store = await createPostgresStore({ db, coalesceMs: 60_000, fault: (changes) => changes.forEach((c) => disk.check(c.name)) });
    const close = store.close.bind(store);
    return Object.assign(store, {
      close: async () => {
        await close().catch(() => {});
        await db!.close();
        await database.drop();
      },
    });
  } catch (error) {
    await db?.close();
    await database.drop();
    throw error;
  }
}

const stores: [string, (dir: string, disk: Disk) => Promise<Store>][] = [
  ["lowdb", (dir, disk) => createLowdbStore({ dir, fault: disk.check, coalesceMs: 60_000 })],
  ["memory", (_dir, disk) => Promise.resolve(createMemoryStore({ fault: disk.check, coalesceMs: 60_000 }))],
  ["postgres", (_dir, disk) => openPostgresStore(disk)],
];

for (const [kind, open] of stores) {
  describe(`a failed write (${kind} store)`, () => {
    let dir: string;
    let disk: Disk;
    let store: Store;
    let rollbacks: RollbackEvent[];
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), "canopy-rollback-"));
      disk = new Disk();
      store = await open(dir, disk);
      rollbacks = [];
      store.onRollback((event) => rollbacks.push(event));
      const things = store.collection<Thing>("things");
      things.put({ id: "a", n: 1, tags: ["x"] });
      things.put({ id: "b", n: 1 });
      store.collection<Thing>("others").put({ id: "o", n: 1 });
      await store.flush();
    });
    afterEach(async () => {
      disk.failing = null;
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });

    it("rejects with the file and errno, and takes back every change that was not durable", async () => {
      const things = store.collection<Thing>("things");
      things.put({ id: "a", n: 2 });
      things.update("b", { n: 5 });
      things.put({ id: "c", n: 1 });
      things.delete("b");
      store.collection<Thing>("others").delete("o");
      disk.failing = { code: "EROFS" };
      const error = await store.flush().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreWriteError);
      expect((error as StoreWriteError).errno).toBe("EROFS");
      expect((error as StoreWriteError).reason).toBe("its data folder is read-only (EROFS)");
      expect((error as StoreWriteError).file).toMatch(/(things|others)/);
      expect(things.all()).toEqual([
        { id: "a", n: 1, tags: ["x"] },
        { id: "b", n: 1 },
      ]);
      expect(store.collection<Thing>("others").get("o")).toEqual({ id: "o", n: 1 });
      expect(rollbacks).toHaveLength(1);
      expect(rollbacks[0]!.collections.sort()).toEqual(["others", "things"]);
      expect(store.stats().rollbacks).toBe(1);
    });

    it("puts back a document changed in place with edit", async () => {
      const things = store.collection<Thing>("things");
      things.edit("a", (doc) => {
        doc.n = 99;
        doc.tags!.push("y");
      });
      things.edit("a", (doc) => void (doc.n = 100));
      disk.failing = { code: "ENOSPC" };
      await expect(store.flush()).rejects.toThrow(/its disk is full \(ENOSPC\)/);
      expect(things.get("a")).toEqual({ id: "a", n: 1, tags: ["x"] });
    });

    it("never makes a rolled-back change durable with the next, unrelated write", async () => {
      const things = store.collection<Thing>("things");
      things.put({ id: "lost", n: 1 });
      disk.failing = { code: "EROFS" };
      await expect(store.flush()).rejects.toBeInstanceOf(StoreWriteError);
      disk.failing = null;
      things.put({ id: "kept", n: 1 });
      await store.flush();
      expect(things.get("lost")).toBeUndefined();
      if (kind === "lowdb") {
        const onDisk = JSON.parse(await readFile(join(dir, "things.json"), "utf8"));
        expect(Object.keys(onDisk.docs).sort()).toEqual(["a", "b", "kept"]);
      }
      expect(rollbacks).toHaveLength(1);
    });

    it("changes no file unless every partition of the write could be written", async () => {
      store.collection<Thing>("things").put({ id: "a", n: 2 });
      store.collection<Thing>("others").put({ id: "o", n: 2 });
      disk.failing = { code: "EIO", only: "others" };
      await expect(store.flush()).rejects.toThrow(/input\/output error \(EIO\)/);
      expect(store.collection<Thing>("things").get("a")?.n).toBe(1);
      if (kind === "lowdb") {
        expect(JSON.parse(await readFile(join(dir, "things.json"), "utf8")).docs.a.n).toBe(1);
      }
    });

    it("rejects every flush waiting, also for changes made while the failing write ran", async () => {
      const things = store.collection<Thing>("things");
      things.put({ id: "first", n: 1 });
      disk.failing = { code: "EACCES" };
      const first = store.flush();
      things.put({ id: "during", n: 1 });
      const second = store.flush();
      const outcomes = await Promise.allSettled([first, second]);
      expect(outcomes.map((o) => o.status)).toEqual(["rejected", "rejected"]);
      expect(things.get("first")).toBeUndefined();
      expect(things.get("during")).toBeUndefined();
    });

    it("writes again once the disk takes writes", async () => {
      disk.failing = { code: "EROFS" };
      store.collection<Thing>("things").put({ id: "x", n: 1 });
      await expect(store.flush()).rejects.toBeInstanceOf(StoreWriteError);
      disk.failing = null;
      store.collection<Thing>("things").put({ id: "x", n: 2 });
      await store.flush();
      expect(store.collection<Thing>("things").get("x")?.n).toBe(2);
    });
  });
}
