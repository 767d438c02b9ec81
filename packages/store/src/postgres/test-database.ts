// TEMPORARY (replaced by @canopy/postgres-cluster at merge)
import { randomBytes } from "node:crypto";
import pg from "pg";

export function testDatabaseUrl(): string {
  const url = process.env.CANOPY_TEST_DATABASE_URL;
  if (!url) throw new Error("CANOPY_TEST_DATABASE_URL is not set");
  return url;
}

export async function createTestDatabase(adminUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
