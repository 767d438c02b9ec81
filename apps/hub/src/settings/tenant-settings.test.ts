import { insightJson } from "@canopy/api";
import type { Insight } from "@canopy/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pairThroughApi } from "../../test/fake-agent.js";
import { login, loginAs, manualClock, createTestHub, type Caller } from "../../test/helpers.js";
import { InsightAgent } from "../../test/insight-agent.js";
import { makeInsight, seededRandom } from "../../test/insight-fixtures.js";
import { createPostgresTestHub } from "../../test/postgres-hub.js";
import type { Hub } from "../hub.js";
import type { HubServices } from "../services.js";

const DAY = 24 * 3600_000;
/** An insight of about 2 kB, so a few of them pass the smallest cap (1 kB). */
const sized = (random: () => number, id: string, overrides: Partial<Insight> = {}) => makeInsight(random, 1, { id, description: "d".repeat(2000), ...overrides });
const bytesOf = (insights: Insight[]) => insights.reduce((sum, insight) => sum + Buffer.byteLength(JSON.stringify(insightJson(insight))), 0);

describe.each(["embedded", "postgres"] as const)("tenant settings with effect (%s)", (kind) => {
  // An hour before UTC midnight: the cap's day turns within the test.
  const clock = manualClock(Date.parse("2030-01-15T23:00:00Z"));
  let hub: Hub;
  let services: HubServices;
  let close: () => Promise<void>;
  let url: string;
  let admin: Caller;
  const agents: InsightAgent[] = [];

  beforeEach(async () => {
    // The schedule is driven by hand (tick) after moving the clock: no real waiting.
    const options = { clock, housekeepingMs: 3_600_000 };
    if (kind === "embedded") {
      ({ hub } = await createTestHub(options));
      close = () => hub.close();
    } else {
      ({ hub, close } = await createPostgresTestHub(options));
    }
    services = await hub.services();
    ({ url } = await hub.listen({ port: 0 }));
    admin = await login(hub);
  });
  afterEach(async () => {
    for (const agent of agents.splice(0)) agent.ws.close();
    await close();
  });

  async function tenantWithAgent(name: string) {
    const { id } = (await admin.post("/tenants", { name })).body;
    const identity = await pairThroughApi(hub, admin, id);
    const agent = await InsightAgent.connect(url, identity);
    agents.push(agent);
    return { id, identity, agent };
  }

  const listed = async (tenantId: string) => (await admin.get(`/insights?tenantId=${tenantId}&limit=100`)).body.items.map((i: { localId: string }) => i.localId).sort();

  it("answers every setting with its default, validates a change (422 naming the field), keeps it and audits what changed", async () => {
    const { id } = (await admin.post("/tenants", { name: "Acme" })).body;
    const { id: other } = (await admin.post("/tenants", { name: "Globex" })).body;
    expect((await admin.get("/tenants/tnt_nope/settings")).status).toBe(404);
    expect((await admin.get(`/tenants/${id}/settings`)).body).toEqual({
      retentionDays: null,
      dailyVolumeGb: 1,
      accessibleByParent: true,
      searchableFromParent: true,
      utilizationMetrics: false,
      sharedObjectsFrom: [],
      securityAccount: null,
    });

    const refused = async (body: unknown) => {
      const res = await admin.patch(`/tenants/${id}/settings`, body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      return res.body as { detail: string; errors: { path: string; message: string }[] };
    };
    expect((await refused({})).detail).toContain("at least one setting");
    expect((await refused({ retentionDays: 0 })).errors[0]!.path).toBe("retentionDays");
    expect((await refused({ dailyVolumeGb: -1 })).errors[0]!.path).toBe("dailyVolumeGb");
    expect((await refused({ retentionDay: 30 })).detail).toMatch(/retentionDay/);
    expect((await refused({ sharedObjectsFrom: [other, "tnt_nope"] })).errors).toEqual([{ path: "sharedObjectsFrom.1", message: 'no tenant has the id "tnt_nope"' }]);
    expect((await refused({ sharedObjectsFrom: [id] })).errors[0]!.message).toContain("itself");
    expect((await refused({ securityAccount: { name: "SOC", enabledFor: ["tnt_gone"] } })).errors[0]!.path).toBe("securityAccount.enabledFor.0");
    // A security account chooses among its organization and that organization's customers, not a sibling.
    expect((await refused({ securityAccount: { name: "SOC", enabledFor: [other] } })).errors[0]!.message).toMatch(/is not this organization or one of its customers/);
    expect((await admin.patch("/tenants/tnt_nope/settings", { retentionDays: 30 })).status).toBe(404);

    const changed = await admin.patch(`/tenants/${id}/settings`, {
      retentionDays: 90,
      sharedObjectsFrom: [other],
      securityAccount: { name: "SOC", enabledFor: [id] },
      accessibleByParent: false,
    });
    expect(changed.status).toBe(200);
    const expected = {
      retentionDays: 90,
      dailyVolumeGb: 1,
      accessibleByParent: false,
      searchableFromParent: true,
      utilizationMetrics: false,
      sharedObjectsFrom: [other],
      securityAccount: { name: "SOC", enabledFor: [id] },
    };
    expect(changed.body).toEqual(expected);
    expect((await admin.get(`/tenants/${id}/settings`)).body).toEqual(expected);
    const audit = (await admin.get("/audit?action=tenant.settings")).body.items;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: "tenant.settings", target: `tenant:${id}` });
    expect(Object.keys(audit[0].detail.changed).sort()).toEqual(["accessibleByParent", "retentionDays", "securityAccount", "sharedObjectsFrom"]);
    expect(audit[0].detail.changed.retentionDays).toEqual({ from: null, to: 90 });

    // Reading is for anyone signed in; changing needs settings.manage.
    const viewer = await loginAs(hub, "viewer");
    expect((await viewer.get(`/tenants/${id}/settings`)).status).toBe(200);
    expect((await viewer.get(`/tenants/${id}/usage`)).status).toBe(200);
    const forbidden = await viewer.patch(`/tenants/${id}/settings`, { retentionDays: 1 });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.detail).toContain("settings.manage");

    // A deleted tenant's settings go with it.
    expect((await admin.delete(`/tenants/${other}`)).status).toBe(204);
    expect(await services.data.tenantSettings.get(other)).toBeUndefined();
  });

  it("refuses batches past the daily volume cap with a reason the agent understands, and takes them after UTC midnight", async () => {
    const { id, agent } = await tenantWithAgent("Capped");
    const random = seededRandom(7);
    const first = [sized(random, "in-1"), sized(random, "in-2")];
    // A cap the first batch passes: what is admitted while under it is stored whole.
    const capGb = (bytesOf(first) - 10) / 1e9;
    expect((await admin.patch(`/tenants/${id}/settings`, { dailyVolumeGb: capGb, utilizationMetrics: true })).status).toBe(200);

    await agent.acked(agent.send(first));
    const held = [sized(random, "in-3")];
    const seq = agent.send(held);
    const refusal = await agent.ws.waitFor("insights.refused", (m) => m.seq === seq);
    expect(refusal).toMatchObject({ reason: "daily_volume_cap", retryAfterMs: 3_600_000 });
    expect(refusal.message).toContain("2030-01-15");
    expect(await listed(id)).toEqual(["in-1", "in-2"]);
    const usage = (await admin.get(`/tenants/${id}/usage?days=2`)).body;
    expect(usage.today).toEqual({ day: "2030-01-15", count: 2, bytes: bytesOf(first), capReached: true, resetsAt: "2030-01-16T00:00:00.000Z" });
    expect(usage.capBytes).toBe(bytesOf(first) - 10);

    // Midnight (UTC) on the hub's clock: the held tenant is told to send again, and its batch is kept.
    clock.advance(3_600_000);
    await services.tenantSettings.tick();
    await agent.ws.next("insights.resume");
    agent.ws.send({ type: "insights.upsert", seq, insights: held });
    await agent.acked(seq);
    expect(await listed(id)).toEqual(["in-1", "in-2", "in-3"]);
    const after = (await admin.get(`/tenants/${id}/usage?days=2`)).body;
    expect(after.days).toEqual([
      { day: "2030-01-15", count: 2, bytes: bytesOf(first) },
      { day: "2030-01-16", count: 1, bytes: bytesOf(held) },
    ]);
    expect(after.today.capReached).toBe(false);
    clock.advance(-3_600_000);
  });

  it("a raised cap lets a held tenant send at once", async () => {
    const { id, agent } = await tenantWithAgent("Raised");
    const random = seededRandom(8);
    expect((await admin.patch(`/tenants/${id}/settings`, { dailyVolumeGb: 0.000001 })).status).toBe(200);
    await agent.acked(agent.send([sized(random, "a-1"), sized(random, "a-2")]));
    const seq = agent.send([sized(random, "a-3")]);
    await agent.ws.waitFor("insights.refused", (m) => m.seq === seq);
    expect((await admin.patch(`/tenants/${id}/settings`, { dailyVolumeGb: 1 })).status).toBe(200);
    await agent.ws.next("insights.resume");
    // With metrics off, only today is answered.
    expect((await admin.get(`/tenants/${id}/usage?days=30`)).body.days).toHaveLength(1);
  });

  it("tells the agent its retention on connect and on change, and purges the hub's old insights on the clock's schedule", async () => {
    const { id, identity, agent } = await tenantWithAgent("Retained");
    expect(await agent.ws.next("tenant.settings")).toEqual({ type: "tenant.settings", retentionDays: null });
    const random = seededRandom(9);
    const at = (daysAgo: number) => new Date(clock() - daysAgo * DAY);
    await agent.acked(
      agent.send([
        makeInsight(random, 1, { id: "old-1", createdAt: at(400) }),
        makeInsight(random, 2, { id: "old-2", createdAt: at(31) }),
        makeInsight(random, 3, { id: "new-1", createdAt: at(29) }),
      ]),
    );
    // An insight of another tenant as old is not touched.
    const { id: otherId, agent: other } = await tenantWithAgent("Untouched");
    await other.acked(other.send([makeInsight(random, 4, { id: "old-x", createdAt: at(400) })]));

    expect((await admin.patch(`/tenants/${id}/settings`, { retentionDays: 30 })).status).toBe(200);
    expect(await agent.ws.waitFor("tenant.settings", (m) => m.retentionDays === 30)).toBeTruthy();
    await services.tenantSettings.tick();
    expect(await listed(id)).toEqual(["new-1"]);
    expect(await listed(otherId)).toEqual(["old-x"]);

    // 2 days on: new-1 (29 days old) is past 30 days at the next hourly sweep of the clock.
    clock.advance(2 * DAY);
    await services.tenantSettings.tick();
    expect(await listed(id)).toEqual([]);
    clock.advance(-2 * DAY);

    // A new connection hears the retention in force.
    agent.ws.close();
    const again = await InsightAgent.connect(url, identity);
    agents.push(again);
    expect(await again.ws.next("tenant.settings")).toEqual({ type: "tenant.settings", retentionDays: 30 });
  });
});
