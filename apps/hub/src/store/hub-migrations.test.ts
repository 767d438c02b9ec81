import { connectPostgres, migrate, RECORDS_TABLE, schemaVersion, SchemaTooNewError, type PostgresDatabase } from "@canopy/store";
import { createTestDatabase, testDatabaseUrl } from "@canopy/postgres-cluster";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hubMigrations } from "./hub-migrations.js";

describe("the hub's database migrations", () => {
  let database: { url: string; drop(): Promise<void> };
  let db: PostgresDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(testDatabaseUrl(), "migrations");
    db = await connectPostgres(database.url);
  });
  afterEach(async () => {
    await db.close();
    await database.drop();
  });

  it("bring an empty database to the current version, and a second run changes nothing", async () => {
    expect(await schemaVersion(db.pool)).toBe(0);
    const first = await migrate(db.pool, hubMigrations);
    expect(first).toMatchObject({ from: 0, to: hubMigrations.length });
    expect(first.applied).toHaveLength(hubMigrations.length);
    expect(await schemaVersion(db.pool)).toBe(hubMigrations.length);
    const second = await migrate(db.pool, hubMigrations);
    expect(second.applied).toEqual([]);
  });

  it.each(hubMigrations.map((_, version) => version).filter((version) => version > 0))(
    "bring a database at version %i (with data in it) to the current one, keeping the data",
    async (version) => {
      await migrate(db.pool, hubMigrations.slice(0, version));
      expect(await schemaVersion(db.pool)).toBe(version);
      await db.pool.query(`INSERT INTO ${RECORDS_TABLE} (collection, id, doc) VALUES ('tenants', 't1', '{"id":"t1"}')`);
      const outcome = await migrate(db.pool, hubMigrations);
      expect(outcome).toMatchObject({ from: version, to: hubMigrations.length });
      const { rows } = await db.pool.query(`SELECT doc FROM ${RECORDS_TABLE} WHERE id = 't1'`);
      expect(rows).toEqual([{ doc: { id: "t1" } }]);
    },
  );

  it("apply once when two hubs start together", async () => {
    const other = await connectPostgres(database.url);
    try {
      const outcomes = await Promise.all([migrate(db.pool, hubMigrations), migrate(other.pool, hubMigrations)]);
      expect(outcomes.map((o) => o.applied.length).sort()).toEqual([0, hubMigrations.length]);
    } finally {
      await other.close();
    }
  });

  it("refuse a database newer than this hub, naming both versions", async () => {
    await migrate(db.pool, hubMigrations);
    await db.pool.query(`INSERT INTO canopy_schema_migrations (version, name) VALUES ($1, 'from the future')`, [hubMigrations.length + 1]);
    const error = await migrate(db.pool, hubMigrations).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SchemaTooNewError);
    expect((error as Error).message).toContain(`schema version ${hubMigrations.length + 1}, newer than this hub knows (${hubMigrations.length})`);
  });

  it("leave the schema as it was when a step fails", async () => {
    const broken = [...hubMigrations, { version: hubMigrations.length + 1, name: "broken", sql: "CREATE TABLE half_done (id int); SELECT no_such_function()" }];
    await expect(migrate(db.pool, broken)).rejects.toThrow(/no_such_function/);
    expect(await schemaVersion(db.pool)).toBe(0);
    const { rows } = await db.pool.query(`SELECT to_regclass('half_done') AS t, to_regclass('${RECORDS_TABLE}') AS r`);
    expect(rows).toEqual([{ t: null, r: null }]);
  });
});
