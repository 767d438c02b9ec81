// One database per test file or e2e hub, on a shared server: tests never see each other's rows,
// and a dropped database takes all of it away at once.
import { randomBytes } from "node:crypto";
import pg from "pg";

/** Runs `sql` on the server at `adminUrl` with a connection of its own. */
async function adminQuery(adminUrl, sql) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * `CREATE DATABASE <prefix>_<random>` on the server at `adminUrl`: `{ name, url, drop() }`, `url`
 * being `adminUrl` with the new database's name. `drop()` ends any connection still open to it.
 */
export async function createTestDatabase(adminUrl, prefix = "canopy_test") {
  const safePrefix = prefix.toLowerCase().replace(/[^a-z0-9_]/g, "_").slice(0, 40);
  const name = `${safePrefix}_${randomBytes(6).toString("hex")}`;
  await adminQuery(adminUrl, `CREATE DATABASE "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

/** The test server's URL from `CANOPY_TEST_DATABASE_URL` (set by `npm test` or the vitest global setup). */
export function testDatabaseUrl() {
  const url = process.env.CANOPY_TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      "CANOPY_TEST_DATABASE_URL is not set: add `@canopy/postgres-cluster/vitest-setup` to the suite's globalSetup, " +
        "or run through `npm test`, which starts one cluster for the whole run",
    );
  }
  return url;
}
