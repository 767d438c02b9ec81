import { mkdir, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import type { LiveEvents } from "@canopy/api";
import { CloseCode } from "@canopy/protocol";
import { createDiskFaults, type DiskFaults } from "@canopy/store/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeAgent, pairThroughApi } from "../../../test/fake-agent.js";
import { createTestHub, login, silentLogger, type Caller, type TestHub } from "../../../test/helpers.js";
import { makeInsight, seededRandom } from "../../../test/insight-fixtures.js";
import { openHubStore } from "../../store/open-hub-store.js";

const RULE = (title: string) => `title: ${title}\nid: 5d3a1c1e-0000-4000-8000-000000000001\nstatus: test\nlogsource:\n  product: windows\n  category: process_creation\ndetection:\n  selection:\n    Image|endswith: '\\\\mimikatz.exe'\n  condition: selection\nlevel: high\n`;

// A read-only (or full) data folder: a real tmpfs when the tests may mount, else an injected write error.
describe("a data folder that refuses writes", () => {
  let disk: DiskFaults;
  let t: TestHub;
  let admin: Caller;
  let live: { type: string }[];
  let cases = 0;

  beforeAll(async () => {
    disk = await createDiskFaults({ sizeMiB: 16 });
  });
  afterAll(() => disk.cleanup());

  beforeEach(async () => {
    const dataDir = join(disk.dir, `hub-${++cases}`);
    await mkdir(dataDir);
    const store = await openHubStore(dataDir, silentLogger, { fault: disk.fault });
    t = await createTestHub({ store });
    admin = await login(t.hub);
    live = [];
    (await t.hub.services()).bus.subscribe((event) => live.push(event));
  });
  afterEach(async () => {
    await disk.writable();
    await t.hub.close();
    await t.store.close();
  });

  const expectUnavailable = (res: { status: number; body: { code: string; detail: string } }, errno: "EROFS" | "ENOSPC") => {
    expect(res.status).toBe(503);
    expect(res.body.code).toBe("store_unavailable");
    const why = errno === "EROFS" ? "its data folder is read-only (EROFS)" : "its disk is full (ENOSPC)";
    expect(res.body.detail).toBe(`the hub could not save this change: ${why}; nothing was changed`);
  };
  const tenantEvents = () => live.filter((e): e is { type: keyof LiveEvents } => e.type.startsWith("tenant."));

  for (const [fault, errno] of [
    ["read-only", "EROFS"],
    ["full", "ENOSPC"],
  ] as const) {
    it(`${fault}: creating, editing and deleting a tenant answer 503, change nothing and announce nothing; reads go on`, async () => {
      const acme = (await admin.post("/tenants", { name: "Acme", tags: ["eu"] })).body;
      live.length = 0;
      if (fault === "read-only") await disk.readOnly();
      else await disk.full();

      expectUnavailable(await admin.post("/tenants", { name: "Globex" }), errno);
      expectUnavailable(await admin.patch(`/tenants/${acme.id}`, { name: "Acme Renamed", tags: [] }), errno);
      expectUnavailable(await admin.delete(`/tenants/${acme.id}`), errno);

      const listed = await admin.get("/tenants");
      expect(listed.status).toBe(200);
      expect(listed.body.items.map((x: { name: string; tags: string[] }) => [x.name, x.tags])).toEqual([["Acme", ["eu"]]]);
      expect((await admin.get(`/tenants/${acme.id}`)).status).toBe(200);
      expect(tenantEvents()).toEqual([]);
      expect((await admin.get("/audit?action=tenant.update")).body.items).toEqual([]);

      // Writable again: the next change is the only one that lands; the refused ones never do.
      await disk.writable();
      expect((await admin.post("/tenants", { name: "Initech" })).status).toBe(201);
      expect((await admin.get("/tenants")).body.items.map((x: { name: string }) => x.name)).toEqual(["Acme", "Initech"]);
      const db = join(disk.dir, `hub-${cases}`, "db");
      const shards = (await readdir(db)).filter((f) => /^tenants\.\d+\.json$/.test(f));
      const onDisk = await Promise.all(shards.map(async (f) => Object.values(JSON.parse(await readFile(join(db, f), "utf8")).docs)));
      expect(onDisk.flat().map((x) => (x as { name: string }).name).sort()).toEqual(["Acme", "Initech"]);
    });
  }

  it("a refused content save leaves its name free: the name index is rebuilt from what is durable", async () => {
    const field = { name: "Severity Override", type: "select", appliesTo: "incident", options: ["low", "high"] };
    await disk.readOnly();
    expectUnavailable(await admin.post("/content/custom-fields", field), "EROFS");
    expect((await admin.get("/content/custom-fields")).body.items).toEqual([]);
    await disk.writable();
    const created = await admin.post("/content/custom-fields", field);
    expect(created.status).toBe(201);
    expect(created.body.revision).toBe(1);
  });

  it("an import refused by the disk answers 503 and lists nothing", async () => {
    await disk.full();
    expectUnavailable(await admin.post("/content/import", RULE("Mimikatz"), { "content-type": "application/yaml" }), "ENOSPC");
    expect((await admin.get("/content/siem-rules")).body.items).toEqual([]);
  });

  it("a refused push leaves no push, no desired state and no progress event", async () => {
    const tenant = (await admin.post("/tenants", { name: "Acme" })).body;
    const rule = (await admin.post("/content/import", RULE("Mimikatz"), { "content-type": "application/yaml" })).body.created[0];
    live.length = 0;
    await disk.readOnly();
    const push = { items: [{ kind: "siem-rules", id: rule.id }], targets: { tenants: [tenant.id] } };
    expectUnavailable(await admin.post("/pushes", push), "EROFS");
    expect((await admin.get("/pushes")).body.items).toEqual([]);
    expect((await admin.get(`/content/siem-rules/${rule.id}`)).body.sync.total).toBe(0);
    expect(live.filter((e) => e.type === "push.progress")).toEqual([]);
    // Nothing holds the rule, so there is nothing to roll back (the item → tenants index was rebuilt).
    expect((await admin.post(`/content/siem-rules/${rule.id}/rollback`, { revision: 1 })).body.code).toBe("not_pushed");
    await disk.writable();
    expect((await admin.post("/pushes", push)).status).toBe(202);
    expect((await admin.get(`/content/siem-rules/${rule.id}`)).body.sync.total).toBe(1);
  });

  it("logging in answers 503 rather than hand out a session the hub could not keep", async () => {
    await disk.readOnly();
    const res = await admin.post("/api/v1/auth/login", { email: "admin@test.local", password: "admin password 1" });
    expectUnavailable(res, "EROFS");
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("insights an agent sends are not acked, listed or announced until they are on disk; a board change is refused", async () => {
    const tenant = (await admin.post("/tenants", { name: "Acme" })).body;
    const identity = await pairThroughApi(t.hub, admin, tenant.id);
    const agent = new FakeAgent(await t.hub.services());
    await agent.hello(identity.agentId, identity.privateKey);
    const random = seededRandom(3);
    agent.send({ type: "insights.upsert", seq: 1, insights: [makeInsight(random, 1)] });
    await agent.connection.next("insights.ack");
    live.length = 0;

    await disk.readOnly();
    agent.send({ type: "insights.upsert", seq: 2, insights: [makeInsight(random, 2), makeInsight(random, 1, { title: "Changed", revision: 2 })] });
    // Told why and closed with 1013 (try again later): the agent resends the batch after a welcome.
    const refused = await agent.connection.next("error");
    expect(refused).toMatchObject({ code: "store_unavailable" });
    expect(refused.message).toContain("read-only (EROFS)");
    expect(agent.connection.closedWith?.code).toBe(CloseCode.tryAgainLater);
    expect(agent.connection.sent.filter((m) => m.type === "insights.ack")).toHaveLength(1);
    const listed = (await admin.get("/insights")).body;
    expect(listed.items.map((i: { localId: string; title: string }) => i.localId)).toEqual(["ins-000001"]);
    expect(listed.items[0].title).not.toBe("Changed");
    expect((await admin.get(`/insights?q=changed`)).body.total).toBe(0);
    expect(live.filter((e) => e.type.startsWith("insight"))).toEqual([]);

    const id = `${tenant.id}~ins-000001`;
    expectUnavailable(await admin.patch(`/insights/${id}`, { status: "closed" }), "EROFS");
    expect((await admin.get(`/insights/${id}`)).body.pending).toBeNull();
    expect(agent.connection.sent.filter((m) => m.type === "insight.update")).toEqual([]);
  });
});
