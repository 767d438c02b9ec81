import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeAgent, pairThroughApi, type PairedIdentity } from "../../test/fake-agent.js";
import { ADMIN, login, silentLogger } from "../../test/helpers.js";
import { createHub } from "../hub.js";
import { hubStoreDir } from "./open-hub-store.js";

const startHub = (dataDir: string) => createHub({ dataDir, adminEmail: ADMIN.email, adminPassword: ADMIN.password, logger: silentLogger, webRoot: "/nonexistent" });

/** Folds `<name>.<n>.json` shards back into one `<name>.json`, as a hub before sharding kept it. */
async function asOlderVersionKeptIt(db: string, name: string): Promise<number> {
  const docs: Record<string, unknown> = {};
  for (const file of await readdir(db)) {
    if (!new RegExp(`^${name}\\.\\d+\\.json`).test(file)) continue;
    if (file.endsWith(".json")) Object.assign(docs, JSON.parse(await readFile(join(db, file), "utf8")).docs);
    await rm(join(db, file));
  }
  await writeFile(join(db, `${name}.json`), JSON.stringify({ version: 1, docs }));
  await writeFile(join(db, `${name}.json.bak`), JSON.stringify({ version: 1, docs: {} }));
  return Object.keys(docs).length;
}

describe("a data dir from before tenants and agents were sharded", () => {
  let dataDir: string;
  let identities: PairedIdentity[];
  let tenantsBefore: unknown[];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "canopy-hub-reshard-"));
    const hub = startHub(dataDir);
    await hub.ready();
    const admin = await login(hub);
    const tenants = await Promise.all(Array.from({ length: 30 }, async (_, i) => (await admin.post("/tenants", { name: `Tenant ${i}` })).body));
    identities = await Promise.all(tenants.slice(0, 20).map((t) => pairThroughApi(hub, admin, t.id)));
    tenantsBefore = (await admin.get("/tenants?limit=100")).body.items;
    await hub.close();
  }, 60_000);
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it("is carried over at start: every tenant and agent is there, in shards, and tenants.json and agents.json are gone", async () => {
    const db = hubStoreDir(dataDir);
    expect(await asOlderVersionKeptIt(db, "tenants")).toBe(30);
    expect(await asOlderVersionKeptIt(db, "agents")).toBe(20);

    const hub = startHub(dataDir);
    await hub.ready();
    const files = await readdir(db);
    expect(files.filter((f) => /^(tenants|agents)\.json/.test(f))).toEqual([]);
    expect(files.filter((f) => /^tenants\.\d+\.json$/.test(f)).length).toBeGreaterThan(1);
    const admin = await login(hub);
    expect((await admin.get("/tenants?limit=100")).body.items).toEqual(tenantsBefore);
    // A paired agent still gets in with its key.
    const agent = new FakeAgent(await hub.services());
    await agent.hello(identities[0]!.agentId, identities[0]!.privateKey);
    await agent.connection.until("welcome", () => agent.connection.last("welcome"));
    agent.dropped();
    await hub.close();

    // And again: nothing left to carry, the same tenants.
    const again = startHub(dataDir);
    await again.ready();
    expect((await (await login(again)).get("/tenants?limit=100")).body.items).toHaveLength(30);
    await again.close();
  }, 60_000);
});
