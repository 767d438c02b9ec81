import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectPostgres, RECORDS_TABLE, type PostgresDatabase } from "@canopy/store";
import { createTestDatabase, testDatabaseUrl } from "@canopy/postgres-cluster";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ADMIN, login, silentLogger } from "../../test/helpers.js";
import { createHub, type Hub } from "../hub.js";

describe("a hub on PostgreSQL", () => {
  let database: { url: string; drop(): Promise<void> };
  let admin: PostgresDatabase;
  let dataDir: string;
  let hub: Hub | undefined;
  const start = async () => {
    hub = createHub({ dataDir, databaseUrl: database.url, adminEmail: ADMIN.email, adminPassword: ADMIN.password, logger: silentLogger, webRoot: "/nonexistent" });
    await hub.ready();
    return login(hub);
  };
  beforeEach(async () => {
    database = await createTestDatabase(testDatabaseUrl(), "hub_pg");
    admin = await connectPostgres(database.url);
    dataDir = await mkdtemp(join(tmpdir(), "canopy-hub-pg-"));
  });
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
    await admin.close();
    await database.drop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("keeps what it acknowledged across a restart, in the database, not under the data dir", async () => {
    const api = await start();
    const acme = await api.post("/tenants", { name: "Acme", tags: ["eu"] });
    expect(acme.status).toBe(201);
    const { rows } = await admin.pool.query("SELECT doc FROM canopy_tenants WHERE id = $1", [acme.body.id]);
    expect(rows).toHaveLength(1);
    await hub!.close();
    const again = await start();
    expect((await again.get("/tenants")).body.items.map((t: { name: string }) => t.name)).toEqual(["Acme"]);
  });

  it("writes a push's desired state with the push, and a restart shows the same sync state without reading any tenant's state", async () => {
    const api = await start();
    const acme = (await api.post("/tenants", { name: "Acme" })).body.id as string;
    const field = (await api.post("/content/custom-fields", { name: "Ticket", type: "text", appliesTo: "incident" })).body.id as string;
    const pushed = await api.post("/pushes", { items: [{ kind: "custom-fields", id: field }], targets: { all: true } });
    expect(pushed.status).toBe(202);
    const { rows } = await admin.pool.query("SELECT tenant_id, push_id FROM canopy_desired");
    expect(rows).toEqual([{ tenant_id: acme, push_id: pushed.body.id }]);
    const sync = { synchronized: false, total: 1, applied: 0, pending: 1, failed: 0, drifted: 0 };
    expect((await api.get(`/content/custom-fields/${field}`)).body.sync).toEqual({ ...sync, tenants: [{ tenantId: acme, tenantName: "Acme", state: "pending", revision: 1 }] });
    await hub!.close();

    const again = await start();
    expect((await again.get("/content/custom-fields")).body.items[0].sync).toEqual(sync);
    // No agent is connected: the push is running, and no tenant's state was read to start.
    expect((await again.get(`/pushes/${pushed.body.id}`)).body).toMatchObject({ state: "running", progress: { pending: 1 } });
    expect((await hub!.services()).pushes.state.loadedTenants).toBe(0);
  });

  it("when the database refuses a write: 503 store_unavailable, nothing changed, nothing audited; it recovers once the database does", async () => {
    const api = await start();
    await api.post("/tenants", { name: "Acme" });
    await admin.pool.query(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no space' USING ERRCODE = 'disk_full'; END $$`);
    await admin.pool.query(`CREATE TRIGGER refuse BEFORE INSERT OR UPDATE OR DELETE ON ${RECORDS_TABLE} FOR EACH ROW EXECUTE FUNCTION refuse()`);

    const refused = await api.post("/tenants", { name: "Globex" });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: "store_unavailable", detail: "the hub could not save this change: its database's disk is full (SQLSTATE 53100); nothing was changed" });
    expect((await api.get("/tenants")).body.items.map((t: { name: string }) => t.name)).toEqual(["Acme"]);
    expect((await api.get("/audit?action=tenant.create")).body.items).toHaveLength(1);

    await admin.pool.query(`DROP TRIGGER refuse ON ${RECORDS_TABLE}`);
    expect((await api.post("/tenants", { name: "Initech" })).status).toBe(201);
    await hub!.close();
    const again = await start();
    expect((await again.get("/tenants")).body.items.map((t: { name: string }) => t.name).sort()).toEqual(["Acme", "Initech"]);
  });

  it("pages the audit from the database, newest first, with filters, without gaps or repeats", async () => {
    const api = await start();
    for (let i = 0; i < 23; i++) await api.post("/tenants", { name: `Audited ${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string; action: string; detail: { name?: string } }[]; nextCursor: string | null } = (
        await api.get(`/audit?action=tenant.create&limit=10${cursor ? `&cursor=${cursor}` : ""}`)
      ).body;
      expect(page.items.every((entry) => entry.action === "tenant.create")).toBe(true);
      seen.push(...page.items.map((entry) => entry.detail.name ?? entry.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 23 }, (_, i) => `Audited ${22 - i}`));
    const { rows } = await admin.pool.query(`SELECT count(*)::int AS n FROM ${RECORDS_TABLE} WHERE collection LIKE 'audit.%'`);
    expect(rows[0].n).toBeGreaterThanOrEqual(24);
  });

  it("refuses to start on a database it cannot reach, naming it without the password", async () => {
    hub = createHub({ dataDir, databaseUrl: "postgres://canopy:hunter2@127.0.0.1:1/canopy", logger: silentLogger, webRoot: "/nonexistent" });
    const error = await hub.ready().catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toBe("could not connect to PostgreSQL at postgres://canopy:***@127.0.0.1:1/canopy: connect ECONNREFUSED 127.0.0.1:1");
  });
});
