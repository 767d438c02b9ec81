import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { createLowdbStore } from "./lowdb-store.js";
import { migrate } from "./postgres/migrations.js";
import { connectPostgres, type PostgresDatabase } from "./postgres/postgres-database.js";
import { createPostgresStore, StoreRecordsError } from "./postgres/postgres-store.js";
import { RECORDS_TABLE, recordsTableMigration } from "./postgres/records-table.js";
import { createTestDatabase, testDatabaseUrl } from "@canopy/postgres-cluster";
import { StoreWriteError } from "./store-errors.js";
import type { Store } from "./store.js";

interface Thing {
  id: string;
  n: number;
  text?: string;
}

/** One kind of durable store: opens it over the same data as often as asked, and breaks its next writes for real. */
interface DurableBackend {
  open(): Promise<Store>;
  /** Makes the backend itself refuse writes (not a test hook): a read-only folder, a trigger that raises. */
  refuseWrites(refuse: boolean): Promise<void>;
  dispose(): Promise<void>;
}

async function lowdbBackend(): Promise<DurableBackend> {
  const dir = await mkdtemp(join(tmpdir(), "canopy-contract-"));
  let refusing = false;
  return {
    open: () =>
      createLowdbStore({
        dir,
        coalesceMs: 60_000,
        fault: () => {
          if (refusing) throw Object.assign(new Error("read-only"), { code: "EROFS" });
        },
      }),
    async refuseWrites(refuse) {
      refusing = refuse;
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

async function postgresBackend(): Promise<DurableBackend> {
  const database = await createTestDatabase(testDatabaseUrl(), "contract");
  const pools: PostgresDatabase[] = [];
  const admin = await connectPostgres(database.url);
  await migrate(admin.pool, [recordsTableMigration(1)]);
  return {
    async open() {
      const db = await connectPostgres(database.url);
      pools.push(db);
      return createPostgresStore({ db, coalesceMs: 60_000, schemas: { strict: z.object({ id: z.string(), n: z.number() }) } });
    },
    async refuseWrites(refuse) {
      // The server refuses, as a full disk or a revoked grant would: a trigger raising an error.
      if (refuse) {
        await admin.pool.query(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full' USING ERRCODE = 'disk_full'; END $$`);
        await admin.pool.query(`CREATE TRIGGER refuse BEFORE INSERT OR UPDATE OR DELETE ON ${RECORDS_TABLE} FOR EACH ROW EXECUTE FUNCTION refuse()`);
      } else {
        await admin.pool.query(`DROP TRIGGER IF EXISTS refuse ON ${RECORDS_TABLE}`);
        await admin.pool.query(`DROP FUNCTION IF EXISTS refuse()`);
      }
    },
    async dispose() {
      await Promise.all(pools.map((db) => db.close()));
      await admin.close();
      await database.drop();
    },
  };
}

for (const [kind, make] of [
  ["lowdb", lowdbBackend],
  ["postgres", postgresBackend],
] as const) {
  describe(`the store contract (${kind})`, () => {
    let backend: DurableBackend;
    const open: Store[] = [];
    const reopen = async (): Promise<Store> => {
      const store = await backend.open();
      open.push(store);
      return store;
    };
    beforeEach(async () => {
      backend = await make();
    });
    afterEach(async () => {
      for (const store of open.splice(0)) await store.close().catch(() => {});
      await backend.dispose();
    });

    it("names the collections it holds by prefix, those found at open and those opened since", async () => {
      const store = await reopen();
      store.collection<Thing>("desired.61").put({ id: "a", n: 1 });
      store.collection<Thing>("desired.62").put({ id: "b", n: 2 });
      store.collection<Thing>("reported.61").put({ id: "a", n: 1 });
      await store.flush();
      await store.close();
      const again = await reopen();
      expect(again.collectionNames("desired.").sort()).toEqual(["desired.61", "desired.62"]);
      again.collection<Thing>("desired.63");
      expect(again.collectionNames("desired.").sort()).toEqual(["desired.61", "desired.62", "desired.63"]);
      expect(again.collectionNames("nothing.")).toEqual([]);
    });

    it("gives back, after a reopen, exactly what was flushed: puts, updates, edits and deletes across collections", async () => {
      const store = await reopen();
      const things = store.collection<Thing>("things");
      for (let i = 0; i < 2500; i++) things.put({ id: `t${i}`, n: i });
      store.collection<Thing>("others").put({ id: "o", n: 1, text: "nul \u0000 and émoji 🌳 survive" });
      await store.flush();
      things.update("t1", { n: -1 });
      things.edit("t2", (doc) => void (doc.text = "edited"));
      things.delete("t3");
      store.collection<Thing>("others").delete("o");
      store.collection<Thing>("others").put({ id: "p", n: 2, text: "nul \u0000 and émoji 🌳 survive" });
      await store.flush();
      await store.close();

      const again = await reopen();
      const back = again.collection<Thing>("things");
      expect(back.size).toBe(2499);
      expect(back.get("t1")).toEqual({ id: "t1", n: -1 });
      expect(back.get("t2")).toEqual({ id: "t2", n: 2, text: "edited" });
      expect(back.get("t3")).toBeUndefined();
      expect(again.collection<Thing>("others").all()).toEqual([{ id: "p", n: 2, text: "nul \u0000 and émoji 🌳 survive" }]);
    });

    it("when the backend refuses a write: the flush rejects, nothing changed is visible, and nothing of it is there after a reopen", async () => {
      const store = await reopen();
      store.collection<Thing>("things").put({ id: "a", n: 1 });
      await store.flush();
      await backend.refuseWrites(true);
      store.collection<Thing>("things").put({ id: "a", n: 2 });
      store.collection<Thing>("things").put({ id: "b", n: 1 });
      store.collection<Thing>("others").put({ id: "c", n: 1 });
      const error = await store.flush().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreWriteError);
      expect((error as StoreWriteError).reason).toBe(kind === "lowdb" ? "its data folder is read-only (EROFS)" : "its database's disk is full (SQLSTATE 53100)");
      expect(store.collection<Thing>("things").all()).toEqual([{ id: "a", n: 1 }]);
      expect(store.collection<Thing>("others").size).toBe(0);
      await backend.refuseWrites(false);
      const again = await reopen();
      expect(again.collection<Thing>("things").all()).toEqual([{ id: "a", n: 1 }]);
      expect(again.collection<Thing>("others").size).toBe(0);
    });

    it("writes a change spanning collections whole: after a refused write and a good one, both collections agree", async () => {
      const store = await reopen();
      store.collection<Thing>("plans").put({ id: "p1", n: 1 });
      store.collection<Thing>("results").put({ id: "p1~t1", n: 0 });
      await backend.refuseWrites(true);
      await expect(store.flush()).rejects.toBeInstanceOf(StoreWriteError);
      await backend.refuseWrites(false);
      store.collection<Thing>("plans").put({ id: "p2", n: 1 });
      store.collection<Thing>("results").put({ id: "p2~t1", n: 0 });
      await store.flush();
      const again = await reopen();
      expect(again.collection<Thing>("plans").all().map((d) => d.id)).toEqual(["p2"]);
      expect(again.collection<Thing>("results").all().map((d) => d.id)).toEqual(["p2~t1"]);
    });

    it("answers durable() with the last value written, not one still in memory only", async () => {
      const store = await reopen();
      const things = store.collection<Thing>("things");
      things.put({ id: "a", n: 1 });
      expect(things.durable("a")).toBeUndefined();
      await store.flush();
      things.put({ id: "a", n: 2 });
      expect(things.durable("a")).toEqual({ id: "a", n: 1 });
      await store.flush();
      expect(things.durable("a")).toEqual({ id: "a", n: 2 });
    });
  });
}

describe("the PostgreSQL store", () => {
  it("refuses to open over records of the wrong shape, naming the collection and document", async () => {
    const backend = await postgresBackend();
    try {
      const first = await backend.open();
      first.collection<{ id: string; n: unknown }>("strict").put({ id: "bad", n: "not a number" });
      await first.flush();
      await first.close();
      const error = await backend.open().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreRecordsError);
      expect((error as Error).message).toMatch(/strict bad:/);
    } finally {
      await backend.dispose();
    }
  });

  it("keeps write-only collections out of memory once durable, writes them in the same transaction, and never loads them", async () => {
    const database = await createTestDatabase(testDatabaseUrl(), "write_only");
    const db = await connectPostgres(database.url);
    try {
      await migrate(db.pool, [recordsTableMigration(1)]);
      const store = await createPostgresStore({ db, writeOnly: ["audit."], coalesceMs: 60_000 });
      store.collection<Thing>("tenants").put({ id: "t1", n: 1 });
      store.collection<Thing>("audit.2026-12-05").put({ id: "a1", n: 1 });
      expect(store.collection<Thing>("audit.2026-12-05").get("a1")).toEqual({ id: "a1", n: 1 });
      await store.flush();
      expect(store.collection<Thing>("audit.2026-12-05").size).toBe(0);
      expect(store.collection<Thing>("tenants").size).toBe(1);
      const { rows } = await db.pool.query(`SELECT collection, id FROM ${RECORDS_TABLE} ORDER BY id`);
      expect(rows).toEqual([
        { collection: "audit.2026-12-05", id: "a1" },
        { collection: "tenants", id: "t1" },
      ]);
      await store.close();
      const again = await createPostgresStore({ db, writeOnly: ["audit."] });
      expect(again.collection<Thing>("audit.2026-12-05").size).toBe(0);
      expect(again.collection<Thing>("tenants").size).toBe(1);
      await again.close();
    } finally {
      await db.close();
      await database.drop();
    }
  });
});
