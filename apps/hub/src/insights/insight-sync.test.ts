import { readFileSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LiveEvents } from "@canopy/api";
import type { Insight } from "@canopy/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pairThroughApi, type PairedIdentity } from "../../test/fake-agent.js";
import { ADMIN, login, silentLogger, untilLive, type Caller } from "../../test/helpers.js";
import { InsightAgent, type AgentState } from "../../test/insight-agent.js";
import { makeInsight, seededRandom } from "../../test/insight-fixtures.js";
import { createHub, type Hub } from "../hub.js";

/** The hub's whole insight path over real sockets and the lowdb store on real files. */
describe("insights between agents and the hub", () => {
  let dataDir: string;
  let hub: Hub;
  let url: string;
  let admin: Caller;
  const events: { type: string; data: unknown }[] = [];

  async function start(): Promise<void> {
    hub = createHub({ dataDir, adminEmail: ADMIN.email, adminPassword: ADMIN.password, logger: silentLogger, webRoot: join(dataDir, "no-ui") });
    ({ url } = await hub.listen({ port: 0 }));
    admin = await login(hub);
    (await hub.services()).bus.subscribe((event) => events.push(event));
  }

  async function tenant(name: string): Promise<PairedIdentity> {
    const { id } = (await admin.post("/tenants", { name })).body;
    return pairThroughApi(hub, admin, id);
  }

  const random = seededRandom(42);
  const insight = (n: number, overrides: Partial<Insight> = {}) => makeInsight(random, n, { status: "new", closedAt: null, assignee: null, ...overrides });
  const get = async (id: string) => (await admin.get(`/insights/${encodeURIComponent(id)}`)).body;

  /** The insight ids in a tenant's partition files (its shards), as on disk now. */
  function storedIds(tenantId: string): string[] {
    const prefix = `insights.${Buffer.from(tenantId).toString("hex")}.`;
    const dir = join(dataDir, "db");
    return readdirSync(dir)
      .filter((name) => name.startsWith(prefix) && name.endsWith(".json"))
      .flatMap((name) => Object.keys(JSON.parse(readFileSync(join(dir, name), "utf8")).docs))
      .sort();
  }

  /** `probe`'s first defined value, looked at again after each live event of the hub (acks, status changes). */
  const until = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined) => untilLive(hub, what, probe);

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), "canopy-insights-"));
    events.length = 0;
    await start();
  });
  afterEach(async () => {
    await hub.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it("keeps a batch under the agent's tenant, on disk before the ack, and lists it with the tenant's name", async () => {
    const acme = await tenant("Acme");
    const agent = await InsightAgent.connect(url, acme);
    const seq = agent.send([insight(1, { title: "Zebracorn credential theft on web-01" }), insight(2), insight(3)]);
    await agent.acked(seq);

    // Durable before the ack: the tenant's partition files hold them already.
    expect(storedIds(acme.tenantId)).toEqual(["ins-000001", "ins-000002", "ins-000003"]);

    const list = (await admin.get(`/insights?tenantId=${acme.tenantId}`)).body;
    expect(list.total).toBe(3);
    expect(list.items.map((i: { id: string }) => i.id).sort()).toEqual(["ins-000001", "ins-000002", "ins-000003"].map((l) => `${acme.tenantId}~${l}`));
    expect(list.items[0]).toMatchObject({ tenantId: acme.tenantId, tenantName: "Acme", pending: null });
    expect((await admin.get("/insights?q=zebra")).body.items.map((i: { localId: string }) => i.localId)).toEqual(["ins-000001"]);
    expect(events).toContainEqual({ type: "insights.ingested", data: { tenantId: acme.tenantId, count: 3 } });
    await agent.close();
  });

  it("applies a batch idempotently: sent twice nothing changes, an older revision is ignored, a newer one replaces", async () => {
    const acme = await tenant("Acme");
    const agent = await InsightAgent.connect(url, acme);
    const first = insight(1, { title: "First title", revision: 2 });
    await agent.acked(agent.send([first]));
    // The same batch again (an outbox resend after a reconnect): acked, nothing duplicated.
    await agent.acked(agent.send([first], 1));
    await agent.acked(agent.send([{ ...first, title: "Stale title", revision: 1 }]));
    expect((await admin.get("/insights")).body.total).toBe(1);
    expect((await get(`${acme.tenantId}~ins-000001`)).title).toBe("First title");

    await agent.acked(agent.send([{ ...first, title: "Newer title", status: "in_progress", revision: 3 }]));
    expect(await get(`${acme.tenantId}~ins-000001`)).toMatchObject({ title: "Newer title", status: "in_progress", revision: 3 });
    expect((await admin.get("/insights?status=new")).body.total).toBe(0);
    expect(events.filter((e) => e.type === "insights.ingested")).toHaveLength(2);
    await agent.close();
  });

  it("files every insight under the session's tenant and ignores acks for another tenant's updates", async () => {
    const acme = await tenant("Acme");
    const globex = await tenant("Globex");
    const a = await InsightAgent.connect(url, acme);
    const g = await InsightAgent.connect(url, globex);
    g.hold = true;
    await g.acked(g.send([insight(7, { title: "Globex original" })]));

    // Acme's agent sends an insight with Globex's local id (and Globex's hub id as its title):
    // it lands in Acme's tenant, and Globex's copy is untouched.
    await a.acked(a.send([insight(7, { title: `${globex.tenantId}~ins-000007`, revision: 99 })]));
    expect((await get(`${globex.tenantId}~ins-000007`)).title).toBe("Globex original");
    expect((await get(`${acme.tenantId}~ins-000007`)).revision).toBe(99);

    // A board change for Globex: Acme's agent cannot acknowledge it, even naming its update id.
    const patched = await admin.patch(`/insights/${globex.tenantId}~ins-000007`, { status: "closed" });
    expect(patched.status).toBe(202);
    const update = await g.ws.until("globex receives the update", () => g.updates[0]);
    a.ws.send({
      type: "insight.update.ack",
      results: [{ updateId: update.updateId, ok: true, insight: { ...g.state.insights.get("ins-000007")!, status: "closed", title: "Forged", revision: 500 } }],
    });
    await a.acked(a.send([insight(8)])); // a round trip on Acme's connection: its ack has been handled
    const globexCopy = await get(`${globex.tenantId}~ins-000007`);
    expect(globexCopy).toMatchObject({ title: "Globex original", status: "new", pending: { status: "closed", delivery: "sent" } });

    g.answerHeld();
    await until("globex's own ack", async () => ((await get(`${globex.tenantId}~ins-000007`)).pending === null ? true : undefined));
    expect(await get(`${globex.tenantId}~ins-000007`)).toMatchObject({ status: "closed", closedAt: expect.any(String), title: "Globex original" });
    await a.close();
    await g.close();
  });

  it("board round trip: PATCH, the agent applies and acks, the hub shows the acknowledged insight", async () => {
    const acme = await tenant("Acme");
    const agent = await InsightAgent.connect(url, acme);
    await agent.acked(agent.send([insight(1)]));
    const id = `${acme.tenantId}~ins-000001`;

    agent.hold = true;
    const res = await admin.patch(`/insights/${id}`, { status: "in_progress", assignee: "ana@mssp.example", comment: "looking into it" });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id, status: "new", pending: { status: "in_progress", assignee: "ana@mssp.example", comments: 1, delivery: "sent", requestedBy: ADMIN.email } });
    const update = await agent.ws.until("the update", () => agent.updates[0]);
    expect(update).toMatchObject({ insightId: "ins-000001", actor: ADMIN.email, changes: { status: "in_progress", comment: { author: ADMIN.email, body: "looking into it" } } });

    agent.answerHeld();
    const acked = await until("the ack", async () => {
      const detail = await get(id);
      return detail.pending === null ? detail : undefined;
    });
    expect(acked).toMatchObject({ status: "in_progress", assignee: "ana@mssp.example", revision: 2, commentCount: 1 });
    expect(acked.comments).toEqual([expect.objectContaining({ id: update.changes.comment!.id, author: ADMIN.email, body: "looking into it" })]);
    // The event follows the flush that made the ack durable.
    const updatedEvents = () => events.filter((e): e is { type: "insight.updated"; data: LiveEvents["insight.updated"] } => e.type === "insight.updated");
    const lastEvent = await until("the live event", () => (updatedEvents().at(-1)?.data.pending === null ? updatedEvents().at(-1) : undefined));
    expect(lastEvent.data).toMatchObject({ id, status: "in_progress", pending: null });
    expect((await admin.get(`/audit?action=insight.update`)).body.items[0]).toMatchObject({ actor: ADMIN.email, target: `insight:${id}` });
    await agent.close();
  });

  it("queues changes for an offline tenant and delivers them, in order, when it reconnects", async () => {
    const acme = await tenant("Acme");
    const state: AgentState = { insights: new Map(), seq: 0 };
    const first = await InsightAgent.connect(url, acme, state);
    await first.acked(first.send([insight(1)]));
    await first.close();
    const id = `${acme.tenantId}~ins-000001`;
    await until("offline", async () => ((await admin.get(`/tenants/${acme.tenantId}`)).body.status === "offline" ? true : undefined));

    expect((await admin.patch(`/insights/${id}`, { status: "in_progress" })).body.pending).toMatchObject({ status: "in_progress", delivery: "queued" });
    expect((await admin.patch(`/insights/${id}`, { status: "closed", comment: "false positive" })).body.pending).toMatchObject({
      status: "closed",
      comments: 1,
      delivery: "queued",
    });

    const again = await InsightAgent.connect(url, acme, state);
    await again.ws.until("both updates", () => (again.updates.length === 2 ? true : undefined));
    expect(again.updates.map((u) => u.changes.status)).toEqual(["in_progress", "closed"]);
    const done = await until("acknowledged", async () => {
      const detail = await get(id);
      return detail.pending === null ? detail : undefined;
    });
    expect(done).toMatchObject({ status: "closed", revision: 3, commentCount: 1 });
    await again.close();
  });

  it("resends unacknowledged updates after a reconnect, and shows why when the agent refuses one", async () => {
    const acme = await tenant("Acme");
    const state: AgentState = { insights: new Map(), seq: 0 };
    const first = await InsightAgent.connect(url, acme, state);
    await first.acked(first.send([insight(1), insight(2)]));
    first.hold = true;
    await admin.patch(`/insights/${acme.tenantId}~ins-000001`, { status: "closed" });
    await first.ws.until("the update", () => first.updates[0]);
    await first.close(); // dropped without an ack

    const again = new InsightAgent(url, acme, state);
    again.refuse.set("ins-000002", "the SIEM refused: insight is locked");
    await again.ws.next("welcome");
    await again.ws.until("the resend", () => again.updates[0]);
    expect(again.updates[0]!.updateId).toBe(first.updates[0]!.updateId);
    await until("acknowledged", async () => ((await get(`${acme.tenantId}~ins-000001`)).status === "closed" ? true : undefined));

    const refused = await admin.patch(`/insights/${acme.tenantId}~ins-000002`, { assignee: "ben@mssp.example" });
    expect(refused.status).toBe(202);
    const shown = await until("the refusal", async () => {
      const detail = await get(`${acme.tenantId}~ins-000002`);
      return detail.pending === null ? detail : undefined;
    });
    expect(shown).toMatchObject({ assignee: null, updateError: { error: "the SIEM refused: insight is locked", requestedBy: ADMIN.email } });
    await again.close();
  });

  it("survives a hub restart: acknowledged insights and pending updates are on disk", async () => {
    const acme = await tenant("Acme");
    const state: AgentState = { insights: new Map(), seq: 0 };
    const agent = await InsightAgent.connect(url, acme, state);
    const batch = Array.from({ length: 40 }, (_, n) => insight(n + 1));
    await agent.acked(agent.send(batch));
    agent.hold = true;
    await admin.patch(`/insights/${acme.tenantId}~ins-000005`, { status: "in_progress" });
    await agent.ws.until("the update", () => agent.updates[0]);
    await hub.close();
    await agent.ws.closed;

    await start();
    const list = (await admin.get("/insights?limit=200")).body;
    expect(list.total).toBe(40);
    expect(list.items.find((i: { localId: string }) => i.localId === "ins-000005").pending).toMatchObject({ status: "in_progress", delivery: "queued" });

    const back = await InsightAgent.connect(url, acme, state);
    await until("acknowledged after the restart", async () => ((await get(`${acme.tenantId}~ins-000005`)).status === "in_progress" ? true : undefined));
    expect(back.updates[0]!.updateId).toBe(agent.updates[0]!.updateId);
    await back.close();
  });

  it("drops a deleted tenant's insights and pending updates", async () => {
    const acme = await tenant("Acme");
    const globex = await tenant("Globex");
    const a = await InsightAgent.connect(url, acme);
    const g = await InsightAgent.connect(url, globex);
    await a.acked(a.send([insight(1), insight(2)]));
    await g.acked(g.send([insight(3)]));
    a.hold = true;
    await admin.patch(`/insights/${acme.tenantId}~ins-000001`, { status: "closed" });

    expect((await admin.delete(`/tenants/${acme.tenantId}`)).status).toBe(204);
    const list = (await admin.get("/insights")).body;
    expect(list.total).toBe(1);
    expect(list.items[0].tenantId).toBe(globex.tenantId);
    expect((await admin.get(`/insights/${acme.tenantId}~ins-000001`)).status).toBe(404);
    const { insights } = await hub.services();
    expect(insights.pending.size).toBe(0);
    await hub.close();
    expect(storedIds(acme.tenantId)).toEqual([]);
    expect(storedIds(globex.tenantId)).toEqual(["ins-000003"]);
    await start();
    expect((await admin.get("/insights")).body.total).toBe(1);
    await g.close();
  });
});
