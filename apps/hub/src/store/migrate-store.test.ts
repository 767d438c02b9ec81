import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_TENANT_SETTINGS } from "@canopy/api";
import { connectPostgres, createLowdbStore } from "@canopy/store";
import { createTestDatabase, testDatabaseUrl } from "@canopy/postgres-cluster";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPostgresHubData } from "../domain/postgres/postgres-hub-data.js";
import type { TenantRecord } from "../domain/records.js";
import { pushCollections, type DesiredEntry, type ReportedEntry } from "../push/push-records.js";
import { syncSummaryOf } from "../push/sync-state.js";
import { EmbeddedUsage } from "../insights/usage/embedded-usage.js";
import { postgresUsage } from "../insights/usage/postgres-usage.js";
import { embeddedTenantSettings } from "../settings/embedded-tenant-settings.js";
import { hubStoreSchemas } from "./hub-store-schemas.js";
import { migrateStore } from "./migrate-store.js";
import { hubStoreDir } from "./open-hub-store.js";

describe("canopy-hub migrate-store", () => {
  let dataDir: string;
  let database: { url: string; drop(): Promise<void> };
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "canopy-migrate-"));
    database = await createTestDatabase(testDatabaseUrl(), "migrate_store");
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
    await database.drop();
  });

  async function seed(): Promise<void> {
    const store = await createLowdbStore({ dir: hubStoreDir(dataDir), schemas: hubStoreSchemas });
    const tenants = store.collection<TenantRecord>("tenants");
    for (let i = 0; i < 1200; i++) {
      tenants.put({ id: `tnt_${i}`, name: `Tenant ${i}`, description: "", tags: [], parentId: null, createdAt: "2026-12-01T00:00:00.000Z", updatedAt: "2026-12-01T00:00:00.000Z" });
    }
    await store.close();
  }

  it("copies every document and reports what it did, with progress on the way", async () => {
    await seed();
    const progress: string[] = [];
    const outcome = await migrateStore({ dataDir, databaseUrl: database.url, progress: (line) => progress.push(line) });
    expect(outcome.exitCode).toBe(0);
    expect(outcome.stdout[0]).toMatch(/^copied 1200 documents in 1 collections to postgres:\/\//);
    expect(progress[0]).toMatch(/^copying 1200 documents/);
    const db = await connectPostgres(database.url);
    try {
      // In their table, as the hub on PostgreSQL reads them.
      const data = createPostgresHubData(db, () => Date.now());
      expect(await data.tenants.all()).toHaveLength(1200);
      expect(await data.tenants.get("tnt_7")).toMatchObject({ name: "Tenant 7" });
      // A page of 2 by name (and one more, which says another page follows).
      expect((await data.tenants.page({ limit: 2 })).map((row) => row.tenant.name)).toEqual(["Tenant 0", "Tenant 1", "Tenant 10"]);
    } finally {
      await db.close();
    }
  });

  it("copies tenants' settings and their daily insight usage into their tables", async () => {
    const store = await createLowdbStore({ dir: hubStoreDir(dataDir), schemas: hubStoreSchemas });
    const settings = embeddedTenantSettings(store);
    await settings.put({ id: "tnt_é", ...DEFAULT_TENANT_SETTINGS, retentionDays: 30, utilizationMetrics: true, updatedAt: "2030-01-15T12:00:00.000Z" });
    const usage = new EmbeddedUsage(store);
    usage.add("tnt_é", "2030-01-14", 2, 4_600);
    usage.add("tnt_é", "2030-01-15", 1, 2_300);
    await store.flush();
    await store.close();
    expect((await migrateStore({ dataDir, databaseUrl: database.url })).exitCode).toBe(0);
    const db = await connectPostgres(database.url);
    try {
      const data = createPostgresHubData(db, () => Date.now());
      expect(await data.tenantSettings.get("tnt_é")).toMatchObject({ retentionDays: 30, utilizationMetrics: true, dailyVolumeGb: 1 });
      expect(await data.tenantSettings.withRetention()).toEqual([{ id: "tnt_é", retentionDays: 30 }]);
      expect(await postgresUsage(db.pool).days("tnt_é", "2030-01-01", "2030-01-31")).toEqual([
        { day: "2030-01-14", count: 2, bytes: 4_600 },
        { day: "2030-01-15", count: 1, bytes: 2_300 },
      ]);
      const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM canopy_records WHERE collection LIKE 'tenant-settings.%' OR collection LIKE 'insight-usage.%'");
      expect(rows[0].n).toBe(0);
    } finally {
      await db.close();
    }
  });

  it("copies tenants' desired and reported push state into its tables, desired keys in the order they were first desired", async () => {
    const store = await createLowdbStore({ dir: hubStoreDir(dataDir), schemas: hubStoreSchemas });
    const desired = (n: number): DesiredEntry => ({
      id: `custom-field:Field ${n}`,
      kind: "custom-field",
      name: `Field ${n}`,
      itemId: `cnt_${n}`,
      revision: 1,
      hash: `h${n}`,
      pushId: "psh_1",
      options: { scheduledSearches: "include", scheduledReports: "include" },
      dependsOn: [],
      previous: null,
    });
    const tenants = ["tnt_a", "tnt_b", "tnt_é"];
    const expected = new Map<string, { desired: DesiredEntry[]; reported: ReportedEntry[] }>();
    for (const tenantId of tenants) {
      // More than a save carries, out of key order.
      const entries = Array.from({ length: 6000 }, (_, n) => desired((n * 7919) % 6000));
      const reports: ReportedEntry[] = entries.slice(0, 2500).map((entry, n) => ({
        id: entry.id,
        hash: n % 3 === 0 ? null : entry.hash,
        revision: 1,
        pushId: "psh_1",
        drifted: n % 5 === 0,
        ...(n % 3 === 0 ? { failedHash: entry.hash, error: "no\u0000room" } : {}),
      }));
      const desiredDocs = store.collection<DesiredEntry>(pushCollections.desired(tenantId));
      for (const entry of entries) desiredDocs.put(entry);
      const reportedDocs = store.collection<ReportedEntry>(pushCollections.reported(tenantId));
      for (const report of reports) reportedDocs.put(report);
      expected.set(tenantId, { desired: entries, reported: [...reports].sort((a, b) => (a.id < b.id ? -1 : 1)) });
    }
    await store.close();
    const outcome = await migrateStore({ dataDir, databaseUrl: database.url });
    expect(outcome.stdout[0]).toMatch(/^copied 25500 documents in 6 collections/);
    const db = await connectPostgres(database.url);
    try {
      const data = createPostgresHubData(db, () => Date.now());
      const loaded = await data.tenantStates.load(tenants);
      for (const tenantId of tenants) {
        const state = loaded.get(tenantId)!;
        expect(state.desired, tenantId).toEqual(expected.get(tenantId)!.desired);
        expect([...state.reported].sort((a, b) => (a.id < b.id ? -1 : 1)), tenantId).toEqual(expected.get(tenantId)!.reported);
      }
      // Items' sync state as the hub showed it from the files.
      const items = Array.from({ length: 30 }, (_, n) => ({ id: `cnt_${n * 97}`, revision: 1 }));
      const summaries = await data.tenantStates.summaries(items);
      for (const item of items) {
        const targets = [...expected.values()].map((state) => ({ desired: state.desired.find((entry) => entry.itemId === item.id)!, reported: state.reported.find((r) => r.id === `custom-field:Field ${item.id.slice(4)}`) }));
        expect(summaries.get(item.id), item.id).toEqual(syncSummaryOf(targets, item.revision));
      }
      expect(new Set([...summaries.values()].map((summary) => JSON.stringify(summary))).size).toBeGreaterThan(1);
      // Nothing of it is left in the records.
      const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM canopy_records WHERE collection LIKE 'desired.%' OR collection LIKE 'reported.%'");
      expect(rows[0].n).toBe(0);
    } finally {
      await db.close();
    }
  });

  it("copies nothing from a damaged store, and says how to see why", async () => {
    await seed();
    await writeFile(join(hubStoreDir(dataDir), "users.json"), "{ not json");
    const outcome = await migrateStore({ dataDir, databaseUrl: database.url });
    expect(outcome.exitCode).toBe(1);
    expect(outcome.stderr.join("\n")).toMatch(/has 1 problems; nothing was copied[\s\S]*canopy-hub store check --data-dir/);
    const db = await connectPostgres(database.url);
    try {
      const { rows } = await db.pool.query("SELECT to_regclass('canopy_records') AS t");
      expect(rows[0].t).toBeNull();
    } finally {
      await db.close();
    }
  });

  it("names a data dir without a store, and a database it cannot reach, without the password", async () => {
    expect((await migrateStore({ dataDir: join(dataDir, "nowhere"), databaseUrl: database.url })).stderr[0]).toMatch(/there is no hub store in/);
    await seed();
    const unreachable = await migrateStore({ dataDir, databaseUrl: "postgres://canopy:hunter2@127.0.0.1:1/canopy" });
    expect(unreachable.exitCode).toBe(1);
    expect(unreachable.stderr[0]).toMatch(/could not connect to PostgreSQL at postgres:\/\/canopy:\*\*\*@127\.0\.0\.1:1\/canopy/);
    expect(unreachable.stderr.join("")).not.toContain("hunter2");
  });
});
