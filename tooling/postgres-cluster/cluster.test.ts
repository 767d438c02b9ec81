import { existsSync } from "node:fs";
import { createServer } from "node:net";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, startPostgresCluster, type PostgresCluster } from "./index.js";

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** Whether something can listen on the port (nothing else holds it). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

describe("startPostgresCluster", () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());

  it("answers queries at its url on 127.0.0.1, with fsync on", async () => {
    expect(new URL(cluster.url).hostname).toBe("127.0.0.1");
    const [row] = await query<{ fsync: string; sync: string; listen: string }>(
      cluster.url,
      "select current_setting('fsync') as fsync, current_setting('synchronous_commit') as sync, current_setting('listen_addresses') as listen",
    );
    expect(row).toEqual({ fsync: "on", sync: "on", listen: "127.0.0.1" });
  });

  it("gives each test database its own tables, and drop() removes it even with a connection open", async () => {
    const a = await createTestDatabase(cluster.url, "pkg-test");
    const b = await createTestDatabase(cluster.url, "pkg-test");
    expect(a.name).toMatch(/^pkg_test_[0-9a-f]{12}$/);
    expect(a.name).not.toBe(b.name);
    await query(a.url, "create table t (v int)");
    await query(a.url, "insert into t values (1), (2)");
    expect(await query(a.url, "select count(*)::int as n from t")).toEqual([{ n: 2 }]);
    await expect(query(b.url, "select * from t")).rejects.toThrow(/does not exist/);

    const open = new pg.Client({ connectionString: a.url });
    open.on("error", () => {});
    await open.connect();
    await a.drop();
    await b.drop();
    const names = await query<{ datname: string }>(cluster.url, "select datname from pg_database where datname = any($1)", [[a.name, b.name]]);
    expect(names).toEqual([]);
    await open.end().catch(() => {});
  });
});

describe("stop()", () => {
  it("shuts the server down, removes its folder and frees its port", async () => {
    const cluster = await startPostgresCluster();
    expect(existsSync(cluster.dir)).toBe(true);
    expect(await portFree(cluster.port)).toBe(false);
    await cluster.stop();
    expect(existsSync(cluster.dir)).toBe(false);
    expect(await portFree(cluster.port)).toBe(true);
    await expect(query(cluster.url, "select 1")).rejects.toThrow();
    await cluster.stop();
  }, 60_000);
});
