import { readFile } from "node:fs/promises";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { testDatabaseUrl } from "@canopy/postgres-cluster";
import { e2eStore } from "./hub-store.js";
import { Scenario } from "./scenario.js";

/** The environment the hub process was started with, as the kernel holds it. */
async function processEnv(pid: number): Promise<Record<string, string>> {
  const raw = await readFile(`/proc/${pid}/environ`, "utf8");
  return Object.fromEntries(raw.split("\0").filter(Boolean).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]));
}

async function databaseExists(name: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: testDatabaseUrl() });
  await client.connect();
  try {
    return (await client.query("select 1 from pg_database where datname = $1", [name])).rowCount === 1;
  } finally {
    await client.end();
  }
}

/** On PostgreSQL: its own database as CANOPY_DATABASE_URL, the same after a restart, dropped when the scenario closes. */
async function expectOwnDatabase(): Promise<void> {
  const scenario = await Scenario.start();
  const first = (await processEnv(scenario.hub.child.process.pid!)).CANOPY_DATABASE_URL;
  expect(first).toMatch(/^postgres:\/\/postgres@127\.0\.0\.1:\d+\/canopy_e2e_[0-9a-f]{12}$/);
  const name = new URL(first!).pathname.slice(1);
  expect(await databaseExists(name)).toBe(true);

  const port = scenario.hub.port;
  expect(await scenario.hub.stop()).toBe(0);
  await scenario.startHub({ port });
  expect((await processEnv(scenario.hub.child.process.pid!)).CANOPY_DATABASE_URL).toBe(first);

  const other = await Scenario.start();
  expect((await processEnv(other.hub.child.process.pid!)).CANOPY_DATABASE_URL).not.toBe(first);
  await other.close();

  await scenario.close();
  expect(await databaseExists(name)).toBe(false);
}

/** On lowdb: no CANOPY_DATABASE_URL reaches the hub, even when the shell running the suite has one. */
async function expectNoDatabase(): Promise<void> {
  process.env.CANOPY_DATABASE_URL = "postgres://nobody@127.0.0.1:1/not-for-tests";
  try {
    const scenario = await Scenario.start();
    expect((await processEnv(scenario.hub.child.process.pid!)).CANOPY_DATABASE_URL).toBeUndefined();
    await scenario.close();
  } finally {
    delete process.env.CANOPY_DATABASE_URL;
  }
}

// One test whichever store the run is on (CANOPY_E2E_STORE), so neither run skips anything.
describe("the e2e hub's store", () => {
  it(`is the one the run asks for (${e2eStore})`, async () => {
    if (e2eStore === "postgres") await expectOwnDatabase();
    else await expectNoDatabase();
  });
});
