import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectPostgres } from "@canopy/store";
import { createTestDatabase, testDatabaseUrl } from "@canopy/postgres-cluster";
import { afterEach, describe, expect, it } from "vitest";
import { ADMIN, login, silentLogger } from "../../../test/helpers.js";
import { makeInsight, seededRandom } from "../../../test/insight-fixtures.js";
import { createHub, type Hub } from "../../hub.js";
import { PostgresInsightRepository } from "./postgres-insight-repository.js";

describe("a hub on PostgreSQL", () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  const start = (databaseUrl: string, dataDir: string): Hub =>
    createHub({ databaseUrl, dataDir, adminEmail: ADMIN.email, adminPassword: ADMIN.password, logger: silentLogger, webRoot: "/nonexistent" });

  it("reads no insight at start, and lists what the table holds, written by another process", async () => {
    const database = await createTestDatabase(testDatabaseUrl(), "canopy_hub_start");
    cleanups.push(() => database.drop());
    const dataDir = await mkdtemp(join(tmpdir(), "canopy-pg-start-"));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));

    const first = start(database.url, dataDir);
    await first.ready();
    const tenant = (await (await login(first)).post("/tenants", { name: "Acme" })).body as { id: string };
    await first.close();

    // Another hub process (or the bench) writing through the same repository.
    const db = await connectPostgres(database.url);
    const random = seededRandom(9);
    await new PostgresInsightRepository(db).store(tenant.id, Array.from({ length: 250 }, (_, n) => makeInsight(random, n)));
    await db.close();

    const second = start(database.url, dataDir);
    cleanups.push(() => second.close());
    const services = await second.services();
    expect(services.insights.repository.kind).toBe("postgres");
    // Nothing to load: start-up does not grow with the insights held.
    expect(await services.insights.load()).toBe(0);
    const list = (await (await login(second)).get(`/insights?tenantId=${tenant.id}&limit=10`)).body as { total: number; items: { tenantName: string }[] };
    expect(list.total).toBe(250);
    expect(list.items[0]?.tenantName).toBe("Acme");
  });
});
