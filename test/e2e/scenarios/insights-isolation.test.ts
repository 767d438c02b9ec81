import type { Insight } from "@canopy/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getInsight, hubInsightId, listAllInsights, patchInsight, waitForInsightTotal, wireInsight } from "../harness/insights.js";
import { RawAgent, readAgentCredentials } from "../harness/raw-agent.js";
import { Scenario, type PairedAgent } from "../harness/scenario.js";
import { waitFor } from "../harness/wait.js";

const SENT_AT = new Date("2026-11-20T10:00:00Z");
const insight = (id: string, title: string, revision = 1): Insight =>
  wireInsight(id, title, { severity: "high", createdAt: SENT_AT, updatedAt: SENT_AT, source: "e2e", revision });

/** A raw connection speaking as `agent`, welcomed by the hub. */
async function connectAs(scenario: Scenario, agent: PairedAgent): Promise<RawAgent> {
  const credentials = await readAgentCredentials(agent.dataDir);
  const raw = await RawAgent.connect(scenario.hub.url, credentials.hubPublicKey);
  await raw.hello(credentials.agentId, credentials.privateKeyPem);
  await raw.next("welcome");
  return raw;
}

describe("insight batches are idempotent and scoped to the sending tenant", () => {
  let scenario: Scenario;
  let red: PairedAgent;
  let blue: PairedAgent;

  beforeAll(async () => {
    scenario = await Scenario.start();
    // Paired with the CLI, then stopped: the tests speak for them over raw connections.
    red = await scenario.addAgent("Red Tenant", "in-process");
    blue = await scenario.addAgent("Blue Tenant", "in-process");
    await red.agent!.stop();
    await blue.agent!.stop();
  });
  afterAll(() => scenario?.close());

  it("a batch sent twice is acknowledged twice and stored once", async () => {
    const raw = await connectAs(scenario, red);
    const batch = { type: "insights.upsert" as const, seq: 1, insights: [insight("dup-1", "Brute force on VPN"), insight("dup-2", "Impossible travel")] };
    raw.send(batch);
    raw.send(batch);
    await waitFor("two acks for seq 1", () => raw.received.filter((m) => m.type === "insights.ack" && m.seq === 1).length === 2);
    await waitForInsightTotal(scenario.api, 2, { tenantId: red.tenant.id });
    const items = await listAllInsights(scenario.api, { tenantId: red.tenant.id });
    expect(items.map((i) => i.localId).sort()).toEqual(["dup-1", "dup-2"]);
    // An older revision arriving late does not overwrite a newer one.
    raw.send({ type: "insights.upsert", seq: 2, insights: [insight("dup-1", "Brute force on VPN (updated)", 3)] });
    raw.send({ type: "insights.upsert", seq: 3, insights: [insight("dup-1", "Brute force on VPN (stale)", 2)] });
    await waitFor("ack for seq 3", () => raw.received.some((m) => m.type === "insights.ack" && m.seq === 3));
    expect((await getInsight(scenario.api, hubInsightId(red.tenant.id, "dup-1"))).title).toBe("Brute force on VPN (updated)");
    raw.close();
  });

  it("one tenant's agent cannot write another tenant's insights", async () => {
    const blueRaw = await connectAs(scenario, blue);
    blueRaw.send({ type: "insights.upsert", seq: 1, insights: [insight("shared-id", "Blue's own finding")] });
    await blueRaw.next("insights.ack");
    // Red sends the same local id, and even a payload naming Blue's tenant: it lands under Red.
    const redRaw = await connectAs(scenario, red);
    const redBatch = { type: "insights.upsert" as const, seq: 4, insights: [{ ...insight("shared-id", "Red overwrites?", 99), tenantId: blue.tenant.id } as Insight] };
    redRaw.send(redBatch);
    await redRaw.next("insights.ack");
    expect((await getInsight(scenario.api, hubInsightId(blue.tenant.id, "shared-id"))).title).toBe("Blue's own finding");
    expect((await getInsight(scenario.api, hubInsightId(red.tenant.id, "shared-id"))).title).toBe("Red overwrites?");

    // A board change for Blue goes to Blue only; Red answering it with Blue's update id changes nothing.
    const id = hubInsightId(blue.tenant.id, "shared-id");
    await patchInsight(scenario.api, id, { status: "closed" });
    const update = await blueRaw.next("insight.update");
    expect(redRaw.received.some((m) => m.type === "insight.update")).toBe(false);
    const request = update.updates[0]!;
    expect(request.insightId).toBe("shared-id");
    redRaw.send({
      type: "insight.update.ack",
      results: [{ updateId: request.updateId, ok: true, insight: { ...insight("shared-id", "Hijacked by Red", 100), status: "closed" } }],
    });
    // A round trip on Red's connection after it (its batch again, which changes nothing): the hub
    // handles a connection's frames in order, so by this ack it has dealt with the forged one.
    redRaw.send(redBatch);
    await waitFor("Red's batch acked a second time", () => redRaw.received.filter((m) => m.type === "insights.ack" && m.seq === 4).length === 2);
    const stillPending = await getInsight(scenario.api, id);
    expect(stillPending.title).toBe("Blue's own finding");
    expect(stillPending.status).toBe("new");
    expect(stillPending.pending).toMatchObject({ status: "closed" });

    // Blue's own ack settles it.
    blueRaw.send({
      type: "insight.update.ack",
      results: [{ updateId: request.updateId, ok: true, insight: { ...insight("shared-id", "Blue's own finding", 2), status: "closed", closedAt: new Date() } }],
    });
    await waitFor("Blue's ack to settle the change", async () => (await getInsight(scenario.api, id)).pending === null);
    expect((await getInsight(scenario.api, id)).status).toBe("closed");
    redRaw.close();
    blueRaw.close();
  });

  it("refuses a batch with an invalid insight without storing any of it", async () => {
    const raw = await connectAs(scenario, red);
    const before = (await listAllInsights(scenario.api, { tenantId: red.tenant.id })).length;
    raw.send({ type: "insights.upsert", seq: 9, insights: [insight("ok-1", "fine"), { ...insight("bad/id", "bad"), severity: "extreme" } as unknown as Insight] });
    await raw.next("error");
    expect(raw.received.some((m) => m.type === "insights.ack" && m.seq === 9)).toBe(false);
    expect((await listAllInsights(scenario.api, { tenantId: red.tenant.id })).length).toBe(before);
    raw.close();
  });
});
